import { byTestId, setReadout } from '../app/dom.js';
import { ColourLegend } from '../colour/colourLegend.js';
import { type ColourMapName, type ColourScale, colourize, countSpecial } from '../colour/colourMap.js';
import { type ColourRangeMode, DEFAULT_COLOUR_RANGE, resolveRange } from '../colour/colourRange.js';
import { THEME } from '../charts/theme.js';
import { formatValue } from '../data/format.js';
import { indexTicks } from './axisTicks.js';
import { LatestLoad } from './latestLoad.js';

/** Index ranges [r0, r1) × [c0, c1) of the two shown axes; fractional while zooming. */
export interface HeatWindow {
  readonly r0: number;
  readonly r1: number;
  readonly c0: number;
  readonly c1: number;
}

/**
 * One image of a window: `rows` × `cols` cells, cell (i, j) standing for source rows
 * [rowEdges[i], rowEdges[i + 1]) and columns [colEdges[j], colEdges[j + 1]).
 */
export interface HeatImage {
  readonly rows: number;
  readonly cols: number;
  readonly values: Float64Array;
  readonly rowEdges: readonly number[];
  readonly colEdges: readonly number[];
  /** exact: one cell per index; strided: each cell is the element at its first index; overview: a summary of its block. */
  readonly kind: 'exact' | 'strided' | 'overview';
  /** What the image shows, in words. */
  readonly note: string;
  /** What hovering cell (i, j) says. */
  describe(i: number, j: number): string;
}

/** Yields images for a window, coarse first; `pixels` is the drawing area's size in device pixels. */
export type HeatLoader = (window: HeatWindow, pixels: { width: number; height: number }, signal: AbortSignal) => AsyncIterable<HeatImage>;

const MARGIN = { left: 64, bottom: 34, top: 8, right: 12 };
const ZOOM_STEP = 1.25;

/**
 * A 2-D view of an array as an image with index axes, zoom (wheel) and pan (drag) that fetch
 * detail for the window shown (double-click shows everything again), a colour legend, and the
 * N-D index and value under the pointer.
 */
export class HeatmapView {
  private readonly canvas: HTMLCanvasElement;
  private readonly hover: HTMLElement;
  private readonly note: HTMLElement;
  private readonly legend: ColourLegend;
  private full: HeatWindow = { r0: 0, r1: 1, c0: 0, c1: 1 };
  private window: HeatWindow = this.full;
  private loader?: HeatLoader;
  private image?: { image: HeatImage; bitmap: HTMLCanvasElement; scale: ColourScale };
  private readonly loads = new LatestLoad((signal) => this.load(signal));
  private drag?: { x: number; y: number; window: HeatWindow };
  /** The plot size the current window was loaded for. */
  private loadedFor?: { width: number; height: number };
  private titles = { rows: 'row', cols: 'column' };
  private colour: { map: ColourMapName; range: ColourRangeMode; bool: boolean } = {
    map: 'viridis',
    range: DEFAULT_COLOUR_RANGE,
    bool: false,
  };

  constructor(private readonly root: HTMLElement) {
    this.canvas = byTestId('heatmap-canvas', root);
    this.hover = byTestId('heatmap-hover', root);
    this.note = byTestId('heatmap-note', root);
    this.legend = new ColourLegend(formatValue);
    byTestId('heatmap-legend', root).append(this.legend.element);
    this.canvas.addEventListener('wheel', (event) => this.zoom(event), { passive: false });
    this.canvas.addEventListener('mousedown', (event) => {
      this.drag = { x: event.offsetX, y: event.offsetY, window: this.window };
    });
    window.addEventListener('mouseup', () => (this.drag = undefined));
    this.canvas.addEventListener('mousemove', (event) => (this.drag ? this.pan(event) : this.showValueAt(event)));
    this.canvas.addEventListener('mouseleave', () => setReadout(this.hover, '\u00a0', ''));
    this.canvas.addEventListener('dblclick', () => this.setWindow(this.full));
    new ResizeObserver(() => {
      this.draw();
      // Only a real change of size needs other data: text changing below must not start a reload loop.
      const plot = this.plotRect();
      const last = this.loadedFor;
      if (!last || Math.abs(plot.width - last.width) > 0.1 * last.width || Math.abs(plot.height - last.height) > 0.1 * last.height) {
        this.loads.schedule();
      }
    }).observe(this.canvas.parentElement!);
  }

  /** Shows rows × cols indices from `loader`, all of them at first. */
  show(rows: number, cols: number, titles: { rows: string; cols: string }, loader: HeatLoader): void {
    this.full = { r0: 0, r1: rows, c0: 0, c1: cols };
    this.titles = titles;
    this.loader = loader;
    this.image = undefined;
    this.setWindow(this.full, 0);
  }

  setColour(colour: { map: ColourMapName; range: ColourRangeMode; bool: boolean }): void {
    this.colour = colour;
    if (this.image) this.setImage(this.image.image);
  }

  /** The window shown, for tests and the zoom readout. */
  get shown(): HeatWindow {
    return this.window;
  }

  private setWindow(window: HeatWindow, delay?: number): void {
    this.window = window;
    this.root.dataset.window = `${Math.floor(window.r0)}:${Math.ceil(window.r1)},${Math.floor(window.c0)}:${Math.ceil(window.c1)}`;
    this.draw();
    this.loads.schedule(delay);
  }

  private async load(signal: AbortSignal): Promise<void> {
    if (!this.loader) return;
    const plot = this.plotRect();
    if (plot.width <= 0 || plot.height <= 0) return;
    this.loadedFor = { width: plot.width, height: plot.height };
    const w = this.window;
    const window = { r0: Math.floor(w.r0), r1: Math.ceil(w.r1), c0: Math.floor(w.c0), c1: Math.ceil(w.c1) };
    delete this.root.dataset.loaded;
    try {
      for await (const image of this.loader(window, { width: Math.round(plot.width), height: Math.round(plot.height) }, signal)) {
        if (signal.aborted) return;
        this.setImage(image);
      }
      // For tests: the window's final image is drawn.
      this.root.dataset.loaded = this.image?.image.kind ?? '';
    } catch (error) {
      if (!signal.aborted) this.note.textContent = `Could not load this window: ${(error as Error).message}`;
    }
  }

  private setImage(image: HeatImage): void {
    const range = resolveRange(image.values, this.colour.range);
    const scale: ColourScale = { map: this.colour.map, range, bool: this.colour.bool };
    const bitmap = document.createElement('canvas');
    bitmap.width = image.cols;
    bitmap.height = image.rows;
    if (image.rows > 0 && image.cols > 0) {
      bitmap.getContext('2d')!.putImageData(new ImageData(colourize(image.values, scale), image.cols, image.rows), 0, 0);
    }
    this.image = { image, bitmap, scale };
    this.legend.show(scale, countSpecial(image.values));
    this.root.dataset.imageKind = image.kind;
    this.root.dataset.imageSize = `${image.rows}x${image.cols}`;
    this.note.textContent = image.note;
    this.note.title = image.note;
    this.draw();
  }

  private plotRect(): { x: number; y: number; width: number; height: number } {
    const frame = this.canvas.parentElement!;
    return {
      x: MARGIN.left,
      y: MARGIN.top,
      width: frame.clientWidth - MARGIN.left - MARGIN.right,
      height: frame.clientHeight - MARGIN.top - MARGIN.bottom,
    };
  }

  private draw(): void {
    const frame = this.canvas.parentElement!;
    const dpr = window.devicePixelRatio || 1;
    const width = frame.clientWidth;
    const height = frame.clientHeight;
    if (width <= 0 || height <= 0) return;
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(height * dpr);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    const ctx = this.canvas.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const plot = this.plotRect();
    const w = this.window;
    const toX = (c: number) => plot.x + ((c - w.c0) / (w.c1 - w.c0)) * plot.width;
    const toY = (r: number) => plot.y + ((r - w.r0) / (w.r1 - w.r0)) * plot.height;
    if (this.image) {
      const { image, bitmap } = this.image;
      ctx.save();
      ctx.beginPath();
      ctx.rect(plot.x, plot.y, plot.width, plot.height);
      ctx.clip();
      ctx.imageSmoothingEnabled = false;
      const x0 = toX(image.colEdges[0]!);
      const y0 = toY(image.rowEdges[0]!);
      ctx.drawImage(bitmap, x0, y0, toX(image.colEdges[image.cols]!) - x0, toY(image.rowEdges[image.rows]!) - y0);
      ctx.restore();
    }
    ctx.strokeStyle = THEME.grid;
    ctx.strokeRect(plot.x - 0.5, plot.y - 0.5, plot.width + 1, plot.height + 1);
    ctx.fillStyle = THEME.text;
    ctx.font = `11px ${THEME.font}`;
    // Ticks sit at the middle of their index's cell.
    const xTicks = indexTicks(w.c0, w.c1, Math.max(2, Math.floor(plot.width / 80)));
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of xTicks) {
      const x = toX(t + 0.5);
      ctx.fillRect(x, plot.y + plot.height, 1, 4);
      ctx.fillText(String(t), x, plot.y + plot.height + 6);
    }
    ctx.fillText(this.titles.cols, plot.x + plot.width / 2, plot.y + plot.height + 20);
    const yTicks = indexTicks(w.r0, w.r1, Math.max(2, Math.floor(plot.height / 40)));
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of yTicks) {
      const y = toY(t + 0.5);
      ctx.fillRect(plot.x - 4, y, 4, 1);
      ctx.fillText(String(t), plot.x - 6, y);
    }
    ctx.save();
    ctx.translate(12, plot.y + plot.height / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillText(this.titles.rows, 0, 0);
    ctx.restore();
    // For tests and screen readers: the tick labels drawn.
    this.root.dataset.xTicks = xTicks.join(',');
    this.root.dataset.yTicks = yTicks.join(',');
  }

  /** The source index (fractional) under a point of the canvas. */
  private indexAt(offsetX: number, offsetY: number): { r: number; c: number } {
    const plot = this.plotRect();
    const w = this.window;
    return {
      r: w.r0 + ((offsetY - plot.y) / plot.height) * (w.r1 - w.r0),
      c: w.c0 + ((offsetX - plot.x) / plot.width) * (w.c1 - w.c0),
    };
  }

  private zoom(event: WheelEvent): void {
    event.preventDefault();
    const { r, c } = this.indexAt(event.offsetX, event.offsetY);
    const factor = event.deltaY < 0 ? 1 / ZOOM_STEP : ZOOM_STEP;
    const w = this.window;
    this.setWindow(
      this.clamp({ r0: r - (r - w.r0) * factor, r1: r + (w.r1 - r) * factor, c0: c - (c - w.c0) * factor, c1: c + (w.c1 - c) * factor }),
    );
  }

  private pan(event: MouseEvent): void {
    const start = this.drag!;
    const plot = this.plotRect();
    const w = start.window;
    const dr = ((event.offsetY - start.y) / plot.height) * (w.r1 - w.r0);
    const dc = ((event.offsetX - start.x) / plot.width) * (w.c1 - w.c0);
    this.setWindow(this.clamp({ r0: w.r0 - dr, r1: w.r1 - dr, c0: w.c0 - dc, c1: w.c1 - dc }));
  }

  /** Keeps a window inside the array, at least 2 indices wide, at most everything. */
  private clamp(w: HeatWindow): HeatWindow {
    const axis = (lo: number, hi: number, max: number): [number, number] => {
      let span = Math.min(max, Math.max(Math.min(2, max), hi - lo));
      if (!(span > 0)) span = max;
      const start = Math.min(max - span, Math.max(0, lo));
      return [start, start + span];
    };
    const [r0, r1] = axis(w.r0, w.r1, this.full.r1);
    const [c0, c1] = axis(w.c0, w.c1, this.full.c1);
    return { r0, r1, c0, c1 };
  }

  private showValueAt(event: MouseEvent): void {
    if (!this.image) return;
    const { image } = this.image;
    const { r, c } = this.indexAt(event.offsetX, event.offsetY);
    const i = findCell(image.rowEdges, r);
    const j = findCell(image.colEdges, c);
    if (i < 0 || j < 0) {
      setReadout(this.hover, '\u00a0', '');
      return;
    }
    const value = image.values[i * image.cols + j]!;
    setReadout(this.hover, image.describe(i, j), value);
  }
}

/** The cell whose [edges[k], edges[k + 1]) holds `position`, or -1. */
function findCell(edges: readonly number[], position: number): number {
  if (!(position >= edges[0]!) || position >= edges[edges.length - 1]!) return -1;
  let lo = 0;
  let hi = edges.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! <= position) lo = mid;
    else hi = mid;
  }
  return lo;
}
