import { type LineChart, type LineDataset, createLineChart, lineDataset, setXRange } from '../charts/lineChart.js';
import type { Point } from '../charts/points.js';
import { seriesColour } from '../charts/theme.js';
import { distinctTicks, integerTicks } from '../charts/ticks.js';
import { LatestLoad } from './latestLoad.js';

export interface LineSeriesData {
  readonly label: string;
  /** Index along the x axis of each point. */
  readonly x: Float64Array;
  /** Values; NaN and ±Inf are drawn as gaps, ±Inf also with a marker at the axis edge. */
  readonly y: Float64Array;
}

export interface LineData {
  readonly series: readonly LineSeriesData[];
  /** exact: every index; overview: per bin its min and max. */
  readonly kind: 'exact' | 'overview';
  /** What hovering point `point` of series `series` says (its N-D index and value). */
  describe(series: number, point: number): string;
}

/** Loads the data of x indices [from, to) for a plot `buckets` pixels wide. */
export type LineLoader = (from: number, to: number, buckets: number, signal: AbortSignal) => Promise<LineData>;

const INF_COLOUR = '#ff6b6b';

/**
 * Series plotted against an index axis (whole-number ticks): non-finite values leave a gap,
 * ±Inf is marked at the top or bottom edge, a point between two gaps is drawn as a dot.
 * Zooming (wheel or drag; shift-drag pans) loads the zoomed range again for its detail.
 */
export class ArrayLineChart {
  private readonly chart: LineChart;
  private length = 0;
  private loader?: LineLoader;
  private data?: LineData;
  private range?: { min: number; max: number };
  private readonly loads = new LatestLoad((signal) => this.load(signal));
  /** For marker points: the series and point they stand for. */
  private markers: { series: number; point: number }[][] = [[], []];

  constructor(private readonly root: HTMLElement) {
    this.chart = createLineChart(root.querySelector('canvas')!, {
      xTitle: 'index',
      yTitle: 'value',
      legend: { position: 'top', align: 'end' },
      onRangeChange: (range) => {
        this.range = range;
        this.loads.schedule();
      },
      onResize: () => this.loads.schedule(),
      describePoint: (dataset, index) => this.describe(dataset, index),
    });
    const { x, y } = this.chart.options.scales!;
    x!.ticks = { ...x!.ticks, precision: 0, includeBounds: false, callback: integerTicks };
    y!.ticks = { ...y!.ticks, includeBounds: false, callback: (value, index, ticks) => distinctTicks(value, index, ticks) };
  }

  show(length: number, titles: { x: string; y: string }, loader: LineLoader): void {
    this.length = length;
    this.loader = loader;
    this.chart.options.scales!.x!.title!.text = titles.x;
    this.chart.options.scales!.y!.title!.text = titles.y;
    this.data = undefined;
    this.resetZoom();
  }

  setYTitle(title: string): void {
    if (this.chart.options.scales!.y!.title!.text === title) return;
    this.chart.options.scales!.y!.title!.text = title;
    this.chart.update('none');
  }

  resetZoom(): void {
    this.range = undefined;
    this.loads.schedule(0);
  }

  private async load(signal: AbortSignal): Promise<void> {
    if (!this.loader) return;
    const from = this.range ? Math.max(0, Math.floor(this.range.min)) : 0;
    const to = this.range ? Math.min(this.length, Math.ceil(this.range.max) + 1) : this.length;
    const buckets = Math.max(64, Math.round(this.chart.chartArea?.width ?? this.chart.width));
    delete this.root.dataset.loaded;
    try {
      const data = await this.loader(from, Math.max(to, from + 1), buckets, signal);
      if (signal.aborted) return;
      this.data = data;
      this.draw(from, Math.max(to, from + 1));
      this.root.dataset.loaded = data.kind;
    } catch (error) {
      if (!signal.aborted) this.root.dataset.error = (error as Error).message;
    }
  }

  private describe(dataset: number, point: number): string {
    if (!this.data) return '';
    const series = this.data.series.length;
    if (dataset < series) return this.data.describe(dataset, point);
    const marker = this.markers[dataset - series]?.[point];
    return marker ? this.data.describe(marker.series, marker.point) : '';
  }

  private draw(from: number, to: number): void {
    const data = this.data!;
    let low = Infinity;
    let high = -Infinity;
    for (const { y } of data.series) {
      for (const v of y) {
        if (v - v !== 0) continue;
        if (v < low) low = v;
        if (v > high) high = v;
      }
    }
    if (low > high) [low, high] = [-1, 1];
    const pad = high > low ? (high - low) * 0.06 : Math.max(1, Math.abs(high) * 0.06);
    const [yMin, yMax] = [low - pad, high + pad];
    this.markers = [[], []];
    const posInf: Point[] = [];
    const negInf: Point[] = [];
    let points = 0;
    let isolated = 0;
    const datasets: LineDataset[] = data.series.map(({ label, x, y }, s) => {
      const dataset = lineDataset(label, seriesColour(s));
      const radius: number[] = [];
      dataset.data = Array.from(x, (xi, i) => {
        const v = y[i]!;
        if (v === Infinity || v === -Infinity) {
          (v > 0 ? posInf : negInf).push({ x: xi, y: v > 0 ? yMax : yMin });
          this.markers[v > 0 ? 0 : 1]!.push({ series: s, point: i });
        }
        const finite = v - v === 0;
        // A value between two gaps has no line to show it: draw it as a dot.
        const alone = finite && !(y[i - 1]! - y[i - 1]! === 0) && !(y[i + 1]! - y[i + 1]! === 0);
        radius.push(alone ? 2.5 : 0);
        if (finite) points++;
        if (alone) isolated++;
        return { x: xi, y: finite ? v : NaN };
      });
      dataset.pointRadius = radius;
      return dataset;
    });
    const marker = (label: string, pts: Point[], rotation: number): LineDataset => ({
      ...lineDataset(label, INF_COLOUR),
      data: pts,
      showLine: false,
      pointStyle: 'triangle',
      pointRadius: 6,
      pointRotation: rotation,
      clip: false,
    });
    datasets.push(marker('+Inf', posInf, 0), marker('−Inf', negInf, 180));
    this.chart.data.datasets = datasets;
    this.chart.options.plugins!.legend!.display = data.series.length > 1 || posInf.length + negInf.length > 0;
    this.chart.options.plugins!.legend!.labels!.filter = (item) =>
      item.datasetIndex! < data.series.length ? data.series.length > 1 : (datasets[item.datasetIndex!]!.data.length ?? 0) > 0;
    const span = Math.max(1, to - 1 - from);
    const xPad = Math.max(0.5, span * 0.01);
    setXRange(this.chart, { min: from - xPad, max: to - 1 + xPad });
    const y = this.chart.options.scales!.y!;
    y.min = yMin;
    y.max = yMax;
    this.chart.update('none');
    // What was drawn, for tests and the curious.
    Object.assign(this.root.dataset, {
      points: String(points),
      isolated: String(isolated),
      posInf: String(posInf.length),
      negInf: String(negInf.length),
      series: String(data.series.length),
      xTicks: this.chart.scales
        .x!.ticks.map((t) => integerTicks(t.value))
        .filter(Boolean)
        .join(','),
      yTicks: this.chart.scales.y!.ticks.map((t, i, all) => distinctTicks(t.value, i, all)).join('|'),
    });
  }
}
