import type { XRange } from '../charts/lineOptions.js';
import { THEME, withAlpha } from '../charts/theme.js';
import type { PlotGeometry } from './liveChartsProtocol.js';

/** chartjs-plugin-zoom's defaults: each wheel step zooms by 10 %; a shift-drag pans after 10 px. */
const WHEEL_STEP = 0.1;
const PAN_THRESHOLD = 10;
/** A shorter drag is a click (e.g. on the legend), not a zoom. */
const MIN_DRAG = 3;

export interface XZoomOptions {
  /** The chart's plot area and x range as last drawn (undefined before the first draw). */
  plot: () => PlotGeometry | undefined;
  /** The zoomed range, if any: later steps of a gesture build on it, ahead of what is drawn. */
  zoomed: () => XRange | undefined;
  /** Before a gesture changes the range (the live view pauses here). */
  onGestureStart: () => void;
  onRangeChange: (range: XRange) => void;
}

/** How much a wheel step zooms in (above 1) or out, as the plugin: in by 1 + step, out by 2 − 1 / (1 − step), which undoes it. */
export function wheelZoom(deltaY: number): number {
  return deltaY < 0 ? 1 + WHEEL_STEP : 2 - 1 / (1 - WHEEL_STEP);
}

/** The range zoomed by `zoom` around the value at `at` (0 at its left end, 1 at its right), which stays in place. */
export function zoomedRange(range: XRange, zoom: number, at: number): XRange {
  const cut = (range.max - range.min) * (zoom - 1);
  return { min: range.min + cut * at, max: range.max - cut * (1 - at) };
}

interface Drag {
  startX: number;
  pan: boolean;
  panning: boolean;
  base: XRange;
  plot: PlotGeometry;
}

/**
 * chartjs-plugin-zoom's x gestures, for a chart drawn in a worker (the plugin needs its chart on the
 * page): the wheel zooms around the pointer, a drag zooms to the span dragged over, shift-drag pans.
 */
export class XZoomGestures {
  private drag?: Drag;
  private readonly box = document.createElement('div');

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly options: XZoomOptions,
  ) {
    // Styled from script, which the Content-Security-Policy allows (style attributes in markup it does not).
    Object.assign(this.box.style, {
      position: 'absolute',
      display: 'none',
      pointerEvents: 'none',
      boxSizing: 'border-box',
      background: withAlpha(THEME.accent, 0.15),
      border: `1px solid ${THEME.accent}`,
    });
    canvas.after(this.box);
    canvas.addEventListener('wheel', (event) => this.wheel(event), { passive: false });
    canvas.addEventListener('pointerdown', (event) => this.down(event));
    canvas.addEventListener('pointermove', (event) => this.move(event));
    canvas.addEventListener('pointerup', (event) => this.up(event));
    canvas.addEventListener('pointercancel', () => this.end());
  }

  private wheel(event: WheelEvent): void {
    const plot = this.plotAt(event);
    if (!plot || event.deltaY === 0) return;
    event.preventDefault();
    this.options.onGestureStart();
    this.options.onRangeChange(
      zoomedRange(this.current(plot), wheelZoom(event.deltaY), (event.offsetX - plot.left) / (plot.right - plot.left)),
    );
  }

  private down(event: PointerEvent): void {
    const plot = this.plotAt(event);
    if (!plot || event.button !== 0) return;
    this.canvas.setPointerCapture(event.pointerId);
    this.drag = { startX: event.offsetX, pan: event.shiftKey, panning: false, base: this.current(plot), plot };
  }

  private move(event: PointerEvent): void {
    const drag = this.drag;
    if (!drag) return;
    const { plot, base } = drag;
    if (!drag.pan) {
      const [left, right] = this.span(drag, event);
      Object.assign(this.box.style, {
        display: 'block',
        left: `${left}px`,
        width: `${right - left}px`,
        top: `${plot.top}px`,
        height: `${plot.bottom - plot.top}px`,
      });
      return;
    }
    const dx = event.offsetX - drag.startX;
    if (!drag.panning) {
      if (Math.abs(dx) < PAN_THRESHOLD) return;
      drag.panning = true;
      this.options.onGestureStart();
    }
    const shift = (dx * (base.max - base.min)) / (plot.right - plot.left);
    this.options.onRangeChange({ min: base.min - shift, max: base.max - shift });
  }

  private up(event: PointerEvent): void {
    const drag = this.drag;
    this.end();
    if (!drag || drag.pan) return;
    const [left, right] = this.span(drag, event);
    if (right - left < MIN_DRAG) return;
    const { plot, base } = drag;
    const valueAt = (px: number) => base.min + ((px - plot.left) / (plot.right - plot.left)) * (base.max - base.min);
    this.options.onGestureStart();
    this.options.onRangeChange({ min: valueAt(left), max: valueAt(right) });
  }

  private end(): void {
    this.drag = undefined;
    this.box.style.display = 'none';
  }

  /** The plot area, if the event is inside it. */
  private plotAt(event: MouseEvent): PlotGeometry | undefined {
    const plot = this.options.plot();
    const { offsetX: x, offsetY: y } = event;
    return plot && x >= plot.left && x <= plot.right && y >= plot.top && y <= plot.bottom ? plot : undefined;
  }

  private current(plot: PlotGeometry): XRange {
    return this.options.zoomed() ?? { min: plot.min, max: plot.max };
  }

  /** The pixels dragged over, within the plot area, left to right. */
  private span({ startX, plot }: Drag, event: PointerEvent): [number, number] {
    const x = Math.min(plot.right, Math.max(plot.left, event.offsetX));
    return [Math.min(startX, x), Math.max(startX, x)];
  }
}
