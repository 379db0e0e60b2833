import type { XRange } from '../charts/lineOptions.js';
import type { ChartPointerEvent } from '../charts/offscreenLineChart.js';
import { type LiveChartData, transferables } from './liveChartData.js';
import type { FromChartsWorker, PlotGeometry, ToChartsWorker } from './liveChartsProtocol.js';
import { XZoomGestures } from './xZoom.js';

export interface LiveChartsCallbacks {
  /** Before a zoom or pan gesture changes the range (the live view pauses here). */
  onGestureStart: () => void;
  /** After each step of a zoom or pan gesture, with the x range to show. */
  onRangeChange: (range: XRange) => void;
  /** The zoomed range, if any. */
  zoomed: () => XRange | undefined;
  /** A canvas changed size: decimation for the old width is now too coarse or too fine. */
  onResize: () => void;
}

type PointerMessage = Extract<ToChartsWorker, { type: 'pointer' }>;

/** Pointer events forwarded to the worker's charts, for their tooltips and legend clicks. */
const FORWARDED: Record<string, ChartPointerEvent> = { pointermove: 'mousemove', pointerleave: 'mouseout', click: 'click' };

/**
 * The page's side of the live charts, which a worker draws on the canvases handed over to it:
 * sends it frames (at most one being drawn, see `busy`), sizes and pointer events; zooms here.
 */
export class LiveChartsClient {
  private readonly worker = new Worker(new URL('./liveCharts.worker.ts', import.meta.url), { type: 'module' });
  private readonly boxes: HTMLElement[];
  private plots: (PlotGeometry | undefined)[] = [];
  private framesInFlight = 0;
  private onIdle?: () => void;
  private pngRequests: { resolve: (blob: Blob) => void; reject: (error: Error) => void }[] = [];
  private pointerMove?: PointerMessage;
  private pixelRatio = devicePixelRatio;

  constructor(
    canvases: readonly HTMLCanvasElement[],
    private readonly callbacks: LiveChartsCallbacks,
  ) {
    this.boxes = canvases.map((canvas) => canvas.parentElement!);
    const offscreen = canvases.map((canvas) => {
      // The worker sets the canvas's pixel size; its box on the page is the container's, whatever that size.
      Object.assign(canvas.style, { position: 'absolute', inset: '0', width: '100%', height: '100%' });
      return canvas.transferControlToOffscreen();
    });
    this.post({ type: 'init', canvases: offscreen }, offscreen);
    this.worker.addEventListener('message', ({ data }: MessageEvent<FromChartsWorker>) => this.receive(data));
    this.worker.addEventListener('error', (event) => {
      throw new Error(`live charts worker: ${event.message || 'failed to load'}`);
    });

    const observer = new ResizeObserver((entries) =>
      entries.forEach(({ target }) => this.sendSize(this.boxes.indexOf(target as HTMLElement))),
    );
    for (const box of this.boxes) observer.observe(box);
    // A new device pixel ratio (browser zoom, another screen) may leave the boxes' CSS size as it was.
    window.addEventListener('resize', () => {
      if (devicePixelRatio !== this.pixelRatio) this.boxes.forEach((_, chart) => this.sendSize(chart));
    });

    canvases.forEach((canvas, chart) => {
      for (const [type, event] of Object.entries(FORWARDED)) {
        canvas.addEventListener(type, (e) =>
          this.forwardPointer({ type: 'pointer', chart, event, x: (e as MouseEvent).offsetX, y: (e as MouseEvent).offsetY }),
        );
      }
      new XZoomGestures(canvas, { ...callbacks, plot: () => this.plots[chart] });
    });
  }

  /** A frame is still being drawn: new data can wait for `whenIdle` rather than queue up. */
  get busy(): boolean {
    return this.framesInFlight > 0;
  }

  /** Calls back once no frame is being drawn (only the latest callback). */
  whenIdle(callback: () => void): void {
    this.onIdle = callback;
  }

  /** Width of a chart's plot area in CSS pixels (its canvas's until first drawn). */
  plotWidth(chart: number): number {
    const plot = this.plots[chart];
    return plot ? plot.right - plot.left : this.boxes[chart]!.clientWidth;
  }

  render(data: LiveChartData): void {
    this.framesInFlight++;
    this.post({ type: 'frame', data }, transferables(data));
  }

  /** Both charts stacked, as last drawn. */
  toPng(): Promise<Blob> {
    return new Promise((resolve, reject) => {
      this.pngRequests.push({ resolve, reject });
      this.post({ type: 'png' });
    });
  }

  private receive(message: FromChartsWorker): void {
    switch (message.type) {
      case 'drawn':
        this.plots = message.plots;
        if (--this.framesInFlight === 0) {
          const onIdle = this.onIdle;
          this.onIdle = undefined;
          onIdle?.();
        }
        break;
      case 'resized':
        this.plots = message.plots;
        this.callbacks.onResize();
        break;
      case 'png': {
        // The worker answers in order.
        const request = this.pngRequests.shift()!;
        if ('blob' in message) request.resolve(message.blob);
        else request.reject(new Error(message.error));
        break;
      }
    }
  }

  private sendSize(chart: number): void {
    const { clientWidth: width, clientHeight: height } = this.boxes[chart]!;
    // A hidden view has no size: keep the last one rather than draw nothing.
    if (width === 0 || height === 0) return;
    this.pixelRatio = devicePixelRatio;
    this.post({ type: 'resize', chart, width, height, pixelRatio: this.pixelRatio });
  }

  /** Pointer moves at most once per animation frame, as Chart.js takes them on the page: each may redraw a chart. */
  private forwardPointer(message: PointerMessage): void {
    if (message.event !== 'mousemove') {
      this.flushPointer();
      this.post(message);
      return;
    }
    if (!this.pointerMove) requestAnimationFrame(() => this.flushPointer());
    this.pointerMove = message;
  }

  private flushPointer(): void {
    if (this.pointerMove) this.post(this.pointerMove);
    this.pointerMove = undefined;
  }

  private post(message: ToChartsWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }
}
