import type { Chart } from 'chart.js';
import { parseColour } from '../../colour/colourMap.js';
import { type PixelBox, type Pixels, denseInX, drawColumnRuns, plotAreaPixels } from '../../charts/columnRuns.js';
import type { Point } from '../../charts/points.js';
import type { XRange } from '../timeAxis.js';
import type { PlotLine } from './plotProtocol.js';

/**
 * Draws the workspace plots' lines over a copy of what Chart.js drew (axes, grid, fills), with the
 * geometry of `chart`'s layout. Chart.js autoscales from `extremePoints` alone; what it no longer
 * does per frame is turn every decimated point into an object, resolve options for it and walk it
 * again to draw. x maps linearly onto the x scale's pixels over `range` (the frame's own range,
 * which the axes drawn may lag by a few pixels: see PlotCharts), y through Chart.js's scale
 * (linear or log).
 *
 * A line with a point in every pixel column or more (a decimated live signal) is drawn as column
 * runs into a copy of the axes layer's pixels (`drawColumnRuns`); sparser lines, and lines whose x
 * goes back (XY plots), are stroked on the canvas, anti-aliased, over those.
 */
export class LinePainter {
  /** The axes layer's pixels, read once after each time Chart.js draws it. */
  private layer?: Uint32Array;
  /** The frame's pixels: the layer's, then the dense lines. */
  private frame?: ImageData;
  /** Whether the canvas shows the layer as it is now outside the plot area (put whole once after each change). */
  private layerShown = false;
  private xs = new Float64Array(0);
  private ys = new Float64Array(0);

  /** The axes layer was drawn again: its pixels are read again on the next paint. */
  layerChanged(): void {
    this.layer = undefined;
    this.layerShown = false;
  }

  paint(
    context: OffscreenCanvasRenderingContext2D,
    layer: OffscreenCanvas,
    chart: Chart,
    lines: readonly PlotLine[],
    range: XRange | undefined,
  ): void {
    const x = chart.scales.x;
    const ready = x !== undefined && range !== undefined && range.max > range.min;
    // Chart.js draws its first dataset last (on top): so do these.
    const topLast = [...lines].reverse();
    let dense: PlotLine[] = [];
    if (ready) {
      const pixelsPerUnit = (x.right - x.left) / (range.max - range.min);
      const firstSparse = topLast.findIndex((line) => !denseInX(line.x, line.x.length, pixelsPerUnit));
      dense = topLast.slice(0, firstSparse < 0 ? topLast.length : firstSparse);
    }
    context.setTransform(1, 0, 0, 1, 0, 0);
    if (dense.length) this.putRuns(context, layer, chart, dense, range!);
    else {
      context.globalCompositeOperation = 'copy';
      context.drawImage(layer, 0, 0);
      context.globalCompositeOperation = 'source-over';
      this.layerShown = true;
    }
    // Strokes and what callers draw next in CSS pixels, as Chart.js lays out.
    const ratio = chart.currentDevicePixelRatio;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    if (ready) strokeLines(context, chart, topLast.slice(dense.length), range!);
  }

  /**
   * The layer's pixels with the dense lines drawn in, put on the canvas: the plot area only while
   * the canvas shows the layer as it is around it (most frames), the whole canvas after it changed.
   */
  private putRuns(
    context: OffscreenCanvasRenderingContext2D,
    layer: OffscreenCanvas,
    chart: Chart,
    lines: readonly PlotLine[],
    range: XRange,
  ): void {
    const { width, height } = layer;
    if (this.frame?.width !== width || this.frame.height !== height) {
      this.frame = new ImageData(width, height);
      this.layer = undefined;
    }
    this.layer ??= new Uint32Array(layer.getContext('2d')!.getImageData(0, 0, width, height).data.buffer);
    const pixels = { data: new Uint32Array(this.frame.data.buffer), width };
    // Where the canvas strokes clip (`clipToPlotArea`).
    const box = plotAreaPixels(chart.chartArea, chart.currentDevicePixelRatio, width, height);
    if (this.layerShown)
      for (let row = box.top; row < box.bottom; row++)
        pixels.data.set(this.layer.subarray(row * width + box.left, row * width + box.right), row * width + box.left);
    else pixels.data.set(this.layer);
    for (const line of lines) this.drawRuns(pixels, chart, line, range, box);
    if (this.layerShown) context.putImageData(this.frame, 0, 0, box.left, box.top, box.right - box.left, box.bottom - box.top);
    else context.putImageData(this.frame, 0, 0);
    this.layerShown = true;
  }

  private drawRuns(pixels: Pixels, chart: Chart, line: PlotLine, range: XRange, box: PixelBox): void {
    const x = chart.scales.x!;
    const y = chart.scales[line.right ? 'y2' : 'y'];
    if (!y) return;
    const ratio = chart.currentDevicePixelRatio;
    const count = line.x.length;
    if (this.xs.length < count) {
      this.xs = new Float64Array(count * 2);
      this.ys = new Float64Array(count * 2);
    }
    const scale = ((x.right - x.left) / (range.max - range.min)) * ratio;
    for (let i = 0; i < count; i++) {
      this.xs[i] = x.left * ratio + (line.x[i]! - range.min) * scale;
      this.ys[i] = Number.isFinite(line.y[i]!) ? y.getPixelForValue(line.y[i]!) * ratio : NaN;
    }
    drawColumnRuns(pixels, this.xs, this.ys, count, parseColour(line.colour), box, ratio);
  }
}

/** Clips to the plot area and half a line's width beyond, as Chart.js clips a line (CSS pixels). */
export function clipToPlotArea(context: OffscreenCanvasRenderingContext2D, { left, top, right, bottom }: PixelBox): void {
  context.beginPath();
  context.rect(left - 0.5, top - 0.5, right - left + 1, bottom - top + 1);
  context.clip();
}

/** Strokes lines with plain canvas paths, in CSS pixels, clipped as Chart.js clips. */
function strokeLines(context: OffscreenCanvasRenderingContext2D, chart: Chart, lines: readonly PlotLine[], range: XRange): void {
  if (!lines.length) return;
  const x = chart.scales.x!;
  context.save();
  clipToPlotArea(context, chart.chartArea);
  context.lineWidth = 1;
  context.lineJoin = 'miter';
  context.lineCap = 'butt';
  const scale = (x.right - x.left) / (range.max - range.min);
  for (const line of lines) {
    const y = chart.scales[line.right ? 'y2' : 'y'];
    if (!y) continue;
    context.beginPath();
    // A non-finite point (a gap in the data) breaks the line, as Chart.js does without `spanGaps`.
    let drawing = false;
    for (let i = 0; i < line.x.length; i++) {
      const px = x.left + (line.x[i]! - range.min) * scale;
      const py = y.getPixelForValue(line.y[i]!);
      if (!Number.isFinite(px) || !Number.isFinite(py) || !Number.isFinite(line.y[i]!)) {
        drawing = false;
        continue;
      }
      if (drawing) context.lineTo(px, py);
      else context.moveTo(px, py);
      drawing = true;
    }
    context.strokeStyle = line.colour;
    context.stroke();
  }
  context.restore();
}

/**
 * The points of a line that decide Chart.js's autoscale, as it computes it: the lowest and highest
 * finite y among points inside the x range shown (all points when the x axis fits the data), and
 * the lowest and highest x.
 */
export function extremePoints(line: PlotLine, range: XRange | undefined): Point[] {
  let low = -1;
  let high = -1;
  let first = -1;
  let last = -1;
  for (let i = 0; i < line.x.length; i++) {
    const xi = line.x[i]!;
    const yi = line.y[i]!;
    if (!Number.isFinite(xi)) continue;
    if (first < 0 || xi < line.x[first]!) first = i;
    if (last < 0 || xi > line.x[last]!) last = i;
    if (!Number.isFinite(yi) || (range && (xi < range.min || xi > range.max))) continue;
    if (low < 0 || yi < line.y[low]!) low = i;
    if (high < 0 || yi > line.y[high]!) high = i;
  }
  // In x order: without parsing Chart.js takes data as sorted and reads x's extent from the first and last point.
  const kept = [...new Set([first, last, low, high])].filter((i) => i >= 0).sort((a, b) => line.x[a]! - line.x[b]!);
  // Outside the x range, a point moves only x's autoscale (which a given range overrides): y NaN keeps it out of y's.
  return kept.map((i) => ({ x: line.x[i]!, y: i === low || i === high ? line.y[i]! : NaN }));
}
