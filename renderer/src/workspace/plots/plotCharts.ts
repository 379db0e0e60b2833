import { LogarithmicScale, type Plugin } from 'chart.js';
import type { LineChart } from '../../charts/lineOptions.js';
import { createOffscreenLineChart, resizeChart } from '../../charts/offscreenLineChart.js';
import { columnPoints } from '../../charts/points.js';
import { Chart } from '../../charts/setup.js';
import { THEME, withAlpha } from '../../charts/theme.js';
import { decadeTicks, distinctTicks } from '../../charts/ticks.js';
import { type TimeAxisState, type XRange, formatX } from '../timeAxis.js';
import { type AxisLag, axisLayouts } from './axisLayouts.js';
import { LinePainter, clipToPlotArea, extremePoints } from './plotLines.js';
import type { Point } from '../../charts/points.js';
import type { PlotFrame, PlotGeometry, PlotKind, PlotLine } from './plotProtocol.js';

Chart.register(LogarithmicScale);

/** An opaque canvas clears to black: the axes layer is filled with the panels' background before Chart.js draws on it. */
const OPAQUE_BACKGROUND: Plugin<'line'> = {
  id: 'opaqueBackground',
  beforeDraw: ({ ctx, canvas }) => {
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = THEME.background;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.restore();
  },
};

/** How long axes left lagging wait for a frame to lay them out, before they are laid out without one. */
const CATCH_UP_MS = 100;
/** Tick labels measured to fit them (Chart.js measures every one by default, on every update). */
const TICK_SAMPLE = 4;
/** Opacity of a band's fill (mean ± std), as in the live view. */
const BAND_ALPHA = 0.3;

interface Plot {
  chart: LineChart;
  /** The workspace's axis as of the last frame: time tick labels and the hover cursor. */
  axis?: { state: TimeAxisState; hover?: number };
  /** The lines drawn over the axes (all but bands' edges, which Chart.js fills). */
  strokes: PlotLine[];
  /** The canvas on the page, which each frame is the axes layer copied onto, then the lines. */
  visible: OffscreenCanvas;
  painter: LinePainter;
  /** The last frame's x range, exactly (undefined: the x axis fits the data). */
  x?: XRange;
  /** What the axes layer (Chart.js's own canvas) shows, as `axesKey` tells it; undefined when it must be redrawn. */
  axesKey?: AxesKey;
  /** The last frame, what its axes need and their key: what the axes layer is laid out from. */
  due?: { frame: PlotFrame; extremes: Point[][]; key: AxesKey | undefined };
}

/** How many pixels a plot's axes lag the x range its lines are drawn at (Infinity: they show something else). */
function axisLag({ axesKey: drawn, due }: Plot): number {
  const key = due?.key;
  if (!key || !drawn || key.settings !== drawn.settings) return Infinity;
  return Math.abs(key.pixel - drawn.pixel);
}

/**
 * The workspace's plots (time, spectrum, XY), drawn in one worker on canvases the panels handed
 * over: Chart.js's layout and the rasterising of lines, most of a frame without a GPU, stay off the
 * page's thread. No animation or parsing: lines arrive decimated, as columns. Chart.js lays out and
 * draws the axes and fills on a canvas of its own, the axes layer; each frame that layer is copied
 * onto the canvas on the page and the lines are drawn over it (`LinePainter`).
 *
 * Most frames change the lines but not the axes. A frame whose axes would look as the layer's do
 * (same size, settings and autoscale extremes, an x range moved by under a pixel, or by a few while
 * other plots lay out theirs: see `render`) keeps the layer: no Chart.js layout or drawing.
 * Following the newest data, the x axis moves a pixel every few frames; the lines always use the
 * frame's exact range.
 */
export class PlotCharts {
  private readonly plots = new Map<string, Plot>();
  /** Buffers frames came packed in (see `packFrame`), until handed back. */
  private readonly held = new Set<ArrayBuffer>();
  /** Plots whose axes lag their lines, and what lays them out when no frame follows (see `render`). */
  private readonly lagging = new Set<Plot>();
  private catchUp?: ReturnType<typeof setTimeout>;

  add(id: string, kind: PlotKind, canvas: OffscreenCanvas): void {
    // Opaque canvases: without a GPU, the compositor then copies them instead of blending them over the page.
    canvas.getContext('2d', { alpha: false });
    const layer = new OffscreenCanvas(canvas.width, canvas.height);
    // Read back after each redraw of the axes (LinePainter): kept in memory, even where a GPU draws canvases.
    layer.getContext('2d', { alpha: false, willReadFrequently: true });
    const chart = createOffscreenLineChart(layer, { xTitle: '', yTitle: '' }, [OPAQUE_BACKGROUND]);
    const plot: Plot = { chart, strokes: [], visible: canvas, painter: new LinePainter() };
    const options = chart.options;
    options.events = [];
    // No legend or tooltip in these plots (the panels' headers and readouts show both): `false` leaves
    // the plugins out, which otherwise still build their labels on every update.
    options.plugins!.tooltip = false as never;
    options.plugins!.legend = false as never;
    const scales = options.scales!;
    scales.x!.title = { display: false };
    scales.y!.title = { display: false };
    scales.y2 = { type: 'linear', position: 'right', display: false, grid: { drawOnChartArea: false } };
    const step = (ticks: { value: number }[]) => (ticks.length > 1 ? Math.abs(ticks[1]!.value - ticks[0]!.value) : 1);
    scales.x!.ticks = {
      maxRotation: 0,
      autoSkipPadding: 12,
      sampleSize: TICK_SAMPLE,
      // Labels as distinct as the tick step needs, never Chart.js's `-0.6000000000000001`.
      callback:
        kind === 'time'
          ? (value, _index, ticks) => (plot.axis ? formatX(Number(value), plot.axis.state, step(ticks)) : String(value))
          : kind === 'spectrum'
            ? (value, index, ticks) => `${distinctTicks(value, index, ticks)} Hz`
            : distinctTicks,
    };
    scales.y!.ticks = {
      sampleSize: TICK_SAMPLE,
      // The spectrum's log axis: each decade's tick on its own, as `1e-5` rather than `1.0000e-5`.
      callback: kind === 'spectrum' ? decadeTicks : distinctTicks,
    };
    scales.y2.ticks = { sampleSize: TICK_SAMPLE, callback: distinctTicks };
    this.plots.set(id, plot);
  }

  remove(id: string): void {
    const plot = this.plots.get(id);
    if (!plot) return;
    this.lagging.delete(plot);
    plot.chart.destroy();
    this.plots.delete(id);
  }

  resize(id: string, width: number, height: number, pixelRatio: number): void {
    const plot = this.plots.get(id);
    if (!plot) return;
    resizeChart(plot.chart, width, height, pixelRatio);
    plot.painter.layerChanged();
    plot.axesKey = undefined;
    paint(plot);
  }

  /**
   * Draws one frame of several plots. An x axis that only moved (following the newest data) is laid
   * out again in one plot a frame, the one whose axes lag its lines most; the others keep theirs up
   * to a few pixels behind until a later frame (`axisLayouts`). Five time plots following the data
   * each lay out every few frames; when several fell in one frame it took the worker up to 20 ms
   * (p95 of its frames 11.5 ms of CPU; 6.2 ms with this limit). Axes left lagging are laid out after
   * `CATCH_UP_MS` when no frame comes to do it.
   */
  render(frames: readonly PlotFrame[]): void {
    clearTimeout(this.catchUp);
    const drawn: Plot[] = [];
    const lags: AxisLag[] = [];
    for (const frame of frames) {
      const plot = this.plots.get(frame.id);
      if (!plot) continue;
      const moving = plot.x !== undefined && frame.x !== undefined && frame.x.min !== plot.x.min;
      plot.axis = frame.axis;
      plot.x = frame.x;
      plot.strokes = frame.lines.filter((line) => !line.band);
      const extremes = frame.lines.map((line) => (line.band ? [] : extremePoints(line, frame.x)));
      plot.due = { frame, extremes, key: axesKey(plot, frame, extremes) };
      drawn.push(plot);
      lags.push({ lag: axisLag(plot), moving });
    }
    axisLayouts(lags).forEach((layout, i) => {
      if (layout === 'now') this.layOut(drawn[i]!);
      else if (layout === 'later') this.lagging.add(drawn[i]!);
    });
    drawn.forEach(paint);
    if (this.lagging.size)
      this.catchUp = setTimeout(() => {
        const kept = [...this.lagging];
        kept.forEach((plot) => this.layOut(plot));
        kept.forEach(paint);
      }, CATCH_UP_MS);
  }

  /** Chart.js lays out and draws the axes the plot's last frame asks for. */
  private layOut(plot: Plot): void {
    this.lagging.delete(plot);
    if (!plot.due) return;
    this.updateAxes(plot, plot.due.frame, plot.due.extremes);
    plot.axesKey = plot.due.key;
  }

  /** The buffers of frames received that no plot draws from any more: the page packs its next frames in them. */
  release(received: readonly PlotFrame[]): ArrayBuffer[] {
    for (const frame of received) for (const line of frame.lines) this.held.add(line.x.buffer as ArrayBuffer);
    const inUse = new Set([...this.plots.values()].flatMap((plot) => plot.strokes.map((line) => line.x.buffer)));
    const released = [...this.held].filter((buffer) => !inUse.has(buffer));
    for (const buffer of released) this.held.delete(buffer);
    return released;
  }

  /** Chart.js lays out and draws the axes layer for this frame (and fills bands). */
  private updateAxes({ chart, painter }: Plot, frame: PlotFrame, extremes: readonly Point[][]): void {
    painter.layerChanged();
    const datasets = chart.data.datasets;
    datasets.length = frame.lines.length;
    frame.lines.forEach((line, d) => {
      const dataset = (datasets[d] ??= { data: [] });
      // A band's edges are filled by Chart.js; a line needs only the points its autoscale reads.
      dataset.data = line.band ? columnPoints(line) : extremes[d]!;
      dataset.showLine = line.band !== undefined;
      dataset.label = line.label;
      dataset.borderColor = line.colour;
      dataset.backgroundColor = line.band ? withAlpha(line.colour, BAND_ALPHA) : line.colour;
      dataset.borderWidth = line.band ? 0 : 1;
      dataset.fill = line.band === 'upper' ? '+1' : false;
      dataset.yAxisID = line.right ? 'y2' : 'y';
    });
    const scales = chart.options.scales!;
    scales.x!.min = frame.x?.min;
    scales.x!.max = frame.x?.max;
    scales.x!.title = { display: frame.xTitle !== undefined, text: frame.xTitle ?? '' };
    for (const [key, axis] of [
      ['y', frame.y],
      ['y2', frame.y2],
    ] as const) {
      const scale = scales[key]!;
      scale.min = axis?.min;
      scale.max = axis?.max;
      scale.type = axis?.log ? 'logarithmic' : 'linear';
      scale.title = { display: axis?.title !== undefined, text: axis?.title ?? '' };
      if (key === 'y2') scale.display = axis !== undefined;
    }
    chart.update('none');
  }

  /** Redraws time plots for a new hover cursor, without new data. */
  cursor(ids: readonly string[], hover: number | undefined): void {
    for (const id of ids) {
      const plot = this.plots.get(id);
      if (!plot?.axis) continue;
      plot.axis = { ...plot.axis, hover };
      paint(plot);
    }
  }

  geometry(ids: Iterable<string>): Record<string, PlotGeometry> {
    const out: Record<string, PlotGeometry> = {};
    for (const id of ids) {
      const chart = this.plots.get(id)?.chart;
      if (!chart?.chartArea) continue;
      const { left, right, top, bottom } = chart.chartArea;
      const range = (key: string) => {
        const scale = chart.scales[key];
        return scale ? { min: scale.min, max: scale.max } : undefined;
      };
      out[id] = { left, right, top, bottom, x: this.plots.get(id)!.x ?? range('x')!, y: range('y')!, y2: range('y2') };
    }
    return out;
  }
}

/** The x range lines are drawn over: the frame's, or the one Chart.js fitted to the data. */
function xRange(plot: Plot): XRange | undefined {
  const scale = plot.chart.scales.x;
  return plot.x ?? (scale && { min: scale.min, max: scale.max });
}

/** What the axes layer shows: everything but where a window's x range starts, and that in pixels. */
interface AxesKey {
  settings: string;
  pixel: number;
}

/**
 * What the axes Chart.js draws depend on; undefined when it must draw every frame (bands, which it
 * fills between lines; no layout yet). Where a window's x range starts counts in pixels, apart
 * (`pixel`: how far axes lag is `axisLayouts`'s to weigh), and autoscaled extents in the ticks they
 * fall between (see `autoscaleKey`).
 */
function axesKey(plot: Plot, frame: PlotFrame, extremes: readonly Point[][]): AxesKey | undefined {
  const { chart } = plot;
  if (!chart.chartArea || frame.lines.some((line) => line.band)) return undefined;
  const values = (axis: 'x' | 'y' | 'y2') =>
    extremes.flatMap((points, d) => {
      const right = frame.lines[d]!.right;
      if (axis === 'x') return points.map((p) => p.x);
      return right === (axis === 'y2') ? points.map((p) => p.y) : [];
    });
  let x: unknown;
  let pixel = 0;
  if (frame.x) {
    // A window's span (max - min) differs in its last bits from frame to frame.
    const span = Number((frame.x.max - frame.x.min).toPrecision(12));
    x = span;
    pixel = frame.x.min / (span / Math.max(1, chart.chartArea.right - chart.chartArea.left));
  } else x = autoscaleKey(chart, 'x', values('x'));
  const y = frame.y.min === undefined && frame.y.max === undefined ? autoscaleKey(chart, 'y', values('y')) : null;
  const y2 = frame.y2 && frame.y2.min === undefined && frame.y2.max === undefined ? autoscaleKey(chart, 'y2', values('y2')) : null;
  if (x === OFF_AXIS || y === OFF_AXIS || y2 === OFF_AXIS) return undefined;
  return { settings: JSON.stringify([chart.width, chart.height, x, y, y2, frame.xTitle, frame.y, frame.y2, frame.axis?.state]), pixel };
}

/** An autoscaled axis whose data reach beyond the axis drawn: it is drawn again. */
const OFF_AXIS = Symbol('off axis');

/**
 * An autoscaled axis as Chart.js would draw it for data from `lo` to `hi`: it ends at the ticks
 * around them (`bounds: 'ticks'`), so while the data's extent stays between the same two ticks of
 * the axis drawn, and its span stays within a sixteenth of an octave (the tick step follows the
 * span in steps of 2 to 2.5), the axis drawn is still the one Chart.js would draw: the extremes of
 * a live signal move in their last digits every frame, the axis seldom. Data beyond the axis drawn
 * always redraw it (`OFF_AXIS`), so nothing is drawn off the axis.
 */
function autoscaleKey(chart: LineChart, id: 'x' | 'y' | 'y2', values: readonly number[]): unknown {
  const finite = values.filter((value) => Number.isFinite(value));
  if (!finite.length) return null;
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const scale = chart.scales[id];
  if (!scale || scale.ticks.length < 2) return [lo, hi];
  if (lo < scale.min || hi > scale.max) return OFF_AXIS;
  const ticks = scale.ticks.map((tick) => tick.value);
  const below = ticks.filter((tick) => tick <= lo).length;
  const above = ticks.filter((tick) => tick >= hi).length;
  const log = scale.type === 'logarithmic';
  const span = log ? Math.log10(hi / lo) : hi - lo;
  return [below, above, span > 0 ? Math.round(Math.log2(span) * 16) : span];
}

/** The canvas on the page: the axes layer copied, then the lines and the hover cursor (time plots) over it. */
function paint(plot: Plot): void {
  const { chart, visible } = plot;
  const layer = chart.canvas as unknown as OffscreenCanvas;
  if (visible.width !== layer.width || visible.height !== layer.height) {
    visible.width = layer.width;
    visible.height = layer.height;
  }
  const context = visible.getContext('2d')!;
  const range = xRange(plot);
  plot.painter.paint(context, layer, chart, plot.strokes, range);
  if (range) drawCursor(context, plot, range);
}

/** A vertical line at the workspace's hover x, in every time plot at once. */
function drawCursor(context: OffscreenCanvasRenderingContext2D, plot: Plot, range: XRange): void {
  const x = plot.axis?.hover;
  const scale = plot.chart.scales.x;
  if (x === undefined || !scale || x < range.min || x > range.max) return;
  const pixel = scale.left + ((x - range.min) / (range.max - range.min)) * (scale.right - scale.left);
  const { top, bottom } = plot.chart.chartArea;
  context.save();
  // Within the lines' clip, which is all a frame repaints while the axes stay (LinePainter).
  clipToPlotArea(context, plot.chart.chartArea);
  context.strokeStyle = THEME.accent;
  context.lineWidth = 1;
  context.beginPath();
  context.moveTo(Math.round(pixel) + 0.5, top);
  context.lineTo(Math.round(pixel) + 0.5, bottom);
  context.stroke();
  context.restore();
}
