import type { LegendItem } from 'chart.js';
import { type LineChart, type XRange, createLineChart, lineDataset, setXRange, wholeRange } from '../charts/lineChart.js';
import { decimatedPoints } from '../charts/points.js';
import { seriesColour, withAlpha } from '../charts/theme.js';
import { type XAxisMode, visibleIndices, xAccessor } from './frameRange.js';
import type { LiveFrame } from './liveBuffer.js';
import { seriesLabel } from './liveExport.js';

export interface LiveRenderOptions {
  xAxis: XAxisMode;
  /** Points the window holds when full: the sample axis spans this much while filling. */
  capacity: number;
  rollingWindow: number;
  /** The zoomed x range, if any. */
  range?: XRange;
}

/** The bottom chart has three datasets per series: mean, mean + std (filled down to) mean − std. */
const STATS_PER_SERIES = 3;

/** The live view's two charts: the signal on top, its rolling mean ± std below, sharing the x axis. */
export class LiveCharts {
  readonly signal: LineChart;
  readonly stats: LineChart;

  constructor(
    signalCanvas: HTMLCanvasElement,
    statsCanvas: HTMLCanvasElement,
    callbacks: { onGestureStart: () => void; onRangeChange: (range: XRange) => void; onResize: () => void },
  ) {
    this.signal = createLineChart(signalCanvas, {
      xTitle: 'sample #',
      yTitle: 'value',
      legend: { position: 'top', align: 'end', onClick: (_event, item) => this.toggleSeries(item) },
      ...callbacks,
    });
    this.stats = createLineChart(statsCanvas, {
      xTitle: 'sample #',
      yTitle: 'rolling mean ± std',
      legend: { display: true, position: 'top', align: 'end', labels: { boxWidth: 12, boxHeight: 8, filter: (item) => item.datasetIndex! % STATS_PER_SERIES !== 2 } },
      ...callbacks,
    });
  }

  get charts(): LineChart[] {
    return [this.signal, this.stats];
  }

  /** Draws the frame's points within the range; returns how many points per series that is. */
  render(frame: LiveFrame, options: LiveRenderOptions): number {
    const { from, to } = visibleIndices(frame, options.xAxis, options.range);
    const xAt = xAccessor(frame, options.xAxis);
    this.ensureDatasets(frame.series.length, options.rollingWindow);
    const signalBuckets = bucketsFor(this.signal);
    const statsBuckets = bucketsFor(this.stats);
    frame.series.forEach((series, s) => {
      const { y, mean, std } = series;
      this.signal.data.datasets[s]!.data = decimatedPoints(xAt, (i) => y[i]!, from, to, signalBuckets);
      const [meanSet, upperSet, lowerSet] = this.stats.data.datasets.slice(s * STATS_PER_SERIES, (s + 1) * STATS_PER_SERIES);
      meanSet!.data = decimatedPoints(xAt, (i) => mean[i]!, from, to, statsBuckets);
      upperSet!.data = decimatedPoints(xAt, (i) => mean[i]! + std[i]!, from, to, statsBuckets);
      lowerSet!.data = decimatedPoints(xAt, (i) => mean[i]! - std[i]!, from, to, statsBuckets);
    });
    const xTitle = options.xAxis === 'sample' ? 'sample #' : 'x';
    const shown = options.range && options.xAxis === 'sample' ? wholeRange(options.range) : (options.range ?? fullRange(frame, options));
    for (const chart of this.charts) {
      setXRange(chart, shown);
      chart.options.scales!.x!.title!.text = xTitle;
      // With x as sent, points need not come in x order, so Chart.js must not assume they do.
      chart.options.normalized = options.xAxis === 'sample';
      chart.update('none');
    }
    return to - from;
  }

  legendLabels(): string[] {
    return this.signal.data.datasets.map((d) => d.label ?? '');
  }

  private ensureDatasets(seriesCount: number, rollingWindow: number): void {
    this.stats.options.scales!.y!.title!.text = `rolling mean ± std (${rollingWindow} points)`;
    if (this.signal.data.datasets.length === seriesCount) return;
    this.signal.options.plugins!.legend!.display = seriesCount > 1;
    this.signal.data.datasets = Array.from({ length: seriesCount }, (_, s) => lineDataset(seriesLabel(s, seriesCount), seriesColour(s)));
    this.stats.data.datasets = Array.from({ length: seriesCount }, (_, s) => {
      const label = seriesLabel(s, seriesCount);
      const colour = seriesColour(s);
      return [
        lineDataset(`mean ${label}`, colour),
        { ...lineDataset(`± std ${label}`, colour), borderWidth: 0, backgroundColor: withAlpha(colour, 0.3), fill: '+1' },
        { ...lineDataset(`− std ${label}`, colour), borderWidth: 0 },
      ];
    }).flat();
  }

  /** A click on a signal legend entry hides or shows that series in both charts. */
  private toggleSeries(item: LegendItem): void {
    const s = item.datasetIndex!;
    const visible = !this.signal.isDatasetVisible(s);
    this.signal.setDatasetVisibility(s, visible);
    for (let d = s * STATS_PER_SERIES; d < (s + 1) * STATS_PER_SERIES; d++) this.stats.setDatasetVisibility(d, visible);
    for (const chart of this.charts) chart.update('none');
  }
}

/** About one bucket per horizontal pixel: min-max keeps two points each. */
function bucketsFor(chart: LineChart): number {
  return Math.max(64, Math.round(chart.chartArea?.width ?? chart.width));
}

/** While the window fills, the sample axis already spans its full length, as on an oscilloscope. */
function fullRange(frame: LiveFrame, { xAxis, capacity }: LiveRenderOptions): Partial<XRange> | undefined {
  if (xAxis !== 'sample') return undefined;
  return { min: frame.firstSample, max: frame.firstSample + Math.max(capacity, frame.x.length) - 1 };
}

