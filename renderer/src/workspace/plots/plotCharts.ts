import { LogarithmicScale, type Plugin } from 'chart.js';
import type { LineChart } from '../../charts/lineOptions.js';
import { createOffscreenLineChart, resizeChart } from '../../charts/offscreenLineChart.js';
import { columnPoints } from '../../charts/points.js';
import { Chart } from '../../charts/setup.js';
import { THEME, withAlpha } from '../../charts/theme.js';
import { decadeTicks, distinctTicks } from '../../charts/ticks.js';
import { type TimeAxisState, formatX } from '../timeAxis.js';
import { extremePoints, linesPlugin } from './plotLines.js';
import type { PlotFrame, PlotGeometry, PlotKind, PlotLine } from './plotProtocol.js';

Chart.register(LogarithmicScale);

/** Tick labels measured to fit them (Chart.js measures every one by default, on every update). */
const TICK_SAMPLE = 4;
/** Opacity of a band's fill (mean ± std), as in the live view. */
const BAND_ALPHA = 0.3;

interface Plot {
  chart: LineChart;
  /** The workspace's axis as of the last frame: time tick labels and the hover cursor. */
  axis?: { state: TimeAxisState; hover?: number };
  /** The lines stroked by `linesPlugin` (all but bands' edges, which Chart.js fills). */
  strokes: PlotLine[];
}

/**
 * The workspace's plots (time, spectrum, XY), drawn in one worker on canvases the panels handed
 * over: Chart.js's layout and the rasterising of lines, most of a frame without a GPU, stay off the
 * page's thread. No animation or parsing: lines arrive decimated, as columns. Chart.js lays out and
 * draws the axes and fills; the lines themselves are stroked by `linesPlugin`.
 */
export class PlotCharts {
  private readonly plots = new Map<string, Plot>();

  add(id: string, kind: PlotKind, canvas: OffscreenCanvas): void {
    const plot = { strokes: [] } as unknown as Plot;
    const plugins = [linesPlugin(() => plot.strokes), ...(kind === 'time' ? [cursorPlugin(plot)] : [])];
    const chart = (plot.chart = createOffscreenLineChart(canvas, { xTitle: '', yTitle: '' }, plugins));
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
    this.plots.get(id)?.chart.destroy();
    this.plots.delete(id);
  }

  resize(id: string, width: number, height: number, pixelRatio: number): void {
    const plot = this.plots.get(id);
    if (plot) resizeChart(plot.chart, width, height, pixelRatio);
  }

  render(frame: PlotFrame): void {
    const plot = this.plots.get(frame.id);
    if (!plot) return;
    const { chart } = plot;
    plot.axis = frame.axis;
    const datasets = chart.data.datasets;
    datasets.length = frame.lines.length;
    frame.lines.forEach((line, d) => {
      const dataset = (datasets[d] ??= { data: [] });
      // A band's edges are filled by Chart.js; a line needs only the points its autoscale reads.
      dataset.data = line.band ? columnPoints(line) : extremePoints(line, frame.x);
      dataset.showLine = line.band !== undefined;
      dataset.label = line.label;
      dataset.borderColor = line.colour;
      dataset.backgroundColor = line.band ? withAlpha(line.colour, BAND_ALPHA) : line.colour;
      dataset.borderWidth = line.band ? 0 : 1;
      dataset.fill = line.band === 'upper' ? '+1' : false;
      dataset.yAxisID = line.right ? 'y2' : 'y';
    });
    plot.strokes = frame.lines.filter((line) => !line.band);
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
      plot.chart.draw();
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
      out[id] = { left, right, top, bottom, x: range('x')!, y: range('y')!, y2: range('y2') };
    }
    return out;
  }
}

/** A vertical line at the workspace's hover x, in every time plot at once. */
function cursorPlugin(plot: Plot): Plugin<'line'> {
  return {
    id: 'workspaceCursor',
    afterDatasetsDraw(chart) {
      const x = plot.axis?.hover;
      const scale = chart.scales.x;
      if (x === undefined || !scale || x < scale.min || x > scale.max) return;
      const pixel = scale.getPixelForValue(x);
      const { top, bottom } = chart.chartArea;
      const context = chart.ctx;
      context.save();
      context.strokeStyle = THEME.accent;
      context.lineWidth = 1;
      context.beginPath();
      context.moveTo(Math.round(pixel) + 0.5, top);
      context.lineTo(Math.round(pixel) + 0.5, bottom);
      context.stroke();
      context.restore();
    },
  };
}
