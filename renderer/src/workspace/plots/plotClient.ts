import type { XRange } from '../timeAxis.js';
import { type FromPlotWorker, type PlotFrame, type PlotGeometry, type PlotKind, type ToPlotWorker, packFrame } from './plotProtocol.js';

/** Messages the worker may hold at once: one it draws and the next, which the page prepared meanwhile. */
const IN_FLIGHT = 2;
/** Frame buffers the worker handed back, kept for the next frames (one per frame in flight, one being drawn again, one spare). */
const SPARE_BUFFERS = 4;

/**
 * The page's side of the workspace's plots, which one worker draws on the canvases handed over to
 * it (plot.worker.ts). Panels queue what they show; the workspace sends the queue as one message
 * per frame (`flush`). Frames are pipelined: the page prepares and sends the next while the worker
 * draws one, but no more (`busy`, `whenIdle`), so frames never pile up behind a slow worker. Emits
 * `resize` when a plot's size changed (its decimation is then too coarse or too fine).
 */
export class PlotWorkerClient extends EventTarget {
  private readonly worker = new Worker(new URL('./plot.worker.ts', import.meta.url), { type: 'module' });
  private readonly geometries = new Map<string, PlotGeometry>();
  private readonly widths = new Map<string, number>();
  private readonly boxes = new Map<Element, string>();
  private readonly observer = new ResizeObserver((entries) => entries.forEach(({ target }) => this.sendSize(target as HTMLElement)));
  private pending = new Map<string, PlotFrame>();
  private cursorIds = new Set<string>();
  private hover?: number;
  /** One entry per message the worker has yet to answer: what to call when it has drawn it. */
  private readonly waiting: (() => void)[] = [];
  private onIdle?: () => void;
  private nextId = 1;
  private flushScheduled = false;
  /** Buffers frames were packed in that the worker no longer shows (see `packFrame`). */
  private spare: ArrayBuffer[] = [];

  constructor() {
    super();
    this.worker.addEventListener('message', ({ data }: MessageEvent<FromPlotWorker>) => this.receive(data));
    this.worker.addEventListener('error', (event) => {
      throw new Error(`workspace plots worker: ${event.message || 'failed to load'}`);
    });
  }

  /** Hands the canvas to the worker for a plot of this kind; the canvas's parent is its box, which sizes it. */
  attach(canvas: HTMLCanvasElement, kind: PlotKind): RemotePlot {
    const id = `plot-${this.nextId++}`;
    const offscreen = canvas.transferControlToOffscreen();
    this.post({ type: 'add', id, kind, canvas: offscreen }, [offscreen]);
    const box = canvas.parentElement!;
    this.boxes.set(box, id);
    this.observer.observe(box);
    return new RemotePlot(this, id, canvas);
  }

  /** A frame being drawn and the next waiting for it: a newer one can wait for `whenIdle`. */
  get busy(): boolean {
    return this.waiting.length >= IN_FLIGHT;
  }

  /** Calls back once the worker can take another frame (only the latest callback). */
  whenIdle(callback: () => void): void {
    this.onIdle = callback;
  }

  queue(frame: PlotFrame): void {
    this.pending.set(frame.id, frame);
    this.flushLater();
  }

  queueCursor(id: string, hover: number | undefined): void {
    this.cursorIds.add(id);
    this.hover = hover;
    this.flushLater();
  }

  /** What a panel queued outside the workspace's frame (a setting changed) is sent on the next animation frame. */
  private flushLater(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    requestAnimationFrame(() => {
      this.flushScheduled = false;
      if (this.pending.size === 0 && this.cursorIds.size === 0) return;
      if (this.busy) this.flushLater();
      else this.flush(() => undefined);
    });
  }

  /** Sends what panels queued; `drawn` is called once the worker has drawn it (at once when nothing was queued). */
  flush(drawn: () => void): void {
    const plots = [...this.pending.values()];
    const cursorIds = [...this.cursorIds].filter((id) => !this.pending.has(id));
    this.pending = new Map();
    this.cursorIds = new Set();
    const messages: { message: ToPlotWorker; transfer: Transferable[] }[] = [];
    if (plots.length) messages.push({ message: { type: 'frame', plots }, transfer: [packFrame(plots, (bytes) => this.bufferOf(bytes))] });
    if (cursorIds.length) messages.push({ message: { type: 'cursor', ids: cursorIds, hover: this.hover }, transfer: [] });
    if (!messages.length) {
      drawn();
      return;
    }
    messages.forEach(({ message, transfer }, i) => {
      this.waiting.push(i === messages.length - 1 ? drawn : () => undefined);
      this.post(message, transfer);
    });
  }

  /** A spare buffer of at least `bytes`, or a new one with room for frames to grow. */
  private bufferOf(bytes: number): ArrayBuffer {
    const fits = this.spare.findIndex((buffer) => buffer.byteLength >= bytes);
    if (fits >= 0) return this.spare.splice(fits, 1)[0]!;
    return new ArrayBuffer(Math.max(1 << 16, Math.ceil(bytes * 1.5)));
  }

  geometry(id: string): PlotGeometry | undefined {
    return this.geometries.get(id);
  }

  /** The plot's canvas width in CSS pixels, as last observed. */
  width(id: string): number {
    return this.widths.get(id) ?? 0;
  }

  detach(id: string, canvas: HTMLCanvasElement): void {
    const box = canvas.parentElement;
    if (box) {
      this.observer.unobserve(box);
      this.boxes.delete(box);
    }
    this.geometries.delete(id);
    this.widths.delete(id);
    this.pending.delete(id);
    this.post({ type: 'remove', id });
  }

  private receive(message: FromPlotWorker): void {
    for (const [id, geometry] of Object.entries(message.plots)) this.geometries.set(id, geometry);
    if (message.type === 'resized') {
      this.dispatchEvent(new Event('resize'));
      return;
    }
    // The largest come back into use first; more than a few would only hold memory.
    this.spare = [...this.spare, ...message.released].sort((a, b) => b.byteLength - a.byteLength).slice(0, SPARE_BUFFERS);
    this.waiting.shift()?.();
    if (!this.busy) {
      const onIdle = this.onIdle;
      this.onIdle = undefined;
      onIdle?.();
    }
  }

  private sendSize(box: HTMLElement): void {
    const id = this.boxes.get(box);
    const { clientWidth: width, clientHeight: height } = box;
    // A hidden panel has no size: keep the last one rather than draw nothing.
    if (!id || width === 0 || height === 0) return;
    this.widths.set(id, width);
    this.post({ type: 'resize', id, width, height, pixelRatio: devicePixelRatio });
  }

  private post(message: ToPlotWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }
}

/** One panel's plot in the worker: what the panel queues its frames through and reads its geometry from. */
export class RemotePlot {
  constructor(
    private readonly client: PlotWorkerClient,
    readonly id: string,
    private readonly canvas: HTMLCanvasElement,
  ) {}

  /** Queues what the plot shows; the workspace sends it with the frame. */
  show(frame: Omit<PlotFrame, 'id'>): void {
    this.client.queue({ ...frame, id: this.id });
  }

  /** Queues a redraw for a new hover cursor, without new data. */
  showCursor(hover: number | undefined): void {
    this.client.queueCursor(this.id, hover);
  }

  /** The plot area and axis ranges as last drawn (undefined until then). */
  get geometry(): PlotGeometry | undefined {
    return this.client.geometry(this.id);
  }

  /** Canvas width in CSS pixels (0 until laid out). */
  get width(): number {
    return this.client.width(this.id);
  }

  /** The x value at a pixel (from the canvas's left edge) as last drawn. */
  xAt(pixel: number): number | undefined {
    const plot = this.geometry;
    if (!plot || plot.right <= plot.left) return undefined;
    return plot.x.min + ((pixel - plot.left) / (plot.right - plot.left)) * (plot.x.max - plot.x.min);
  }

  /** The x range as last drawn. */
  get xRange(): XRange | undefined {
    return this.geometry?.x;
  }

  dispose(): void {
    this.client.detach(this.id, this.canvas);
  }
}

let shared: PlotWorkerClient | undefined;

/** The one plots worker of the page (made on first use). */
export function plotWorker(): PlotWorkerClient {
  return (shared ??= new PlotWorkerClient());
}
