import type { LegendItem } from 'chart.js';
import { DENSE_LINES } from '../charts/denseLines.js';
import { type ChartPointerEvent, createOffscreenLineChart, dispatchPointer, resizeChart } from '../charts/offscreenLineChart.js';
import { type LineChart, lineDataset, setXRange } from '../charts/lineOptions.js';
import { columnPoints } from '../charts/points.js';
import { seriesColour, withAlpha } from '../charts/theme.js';
import { type LiveChartData, STATS_PER_SERIES } from './liveChartData.js';
import type { PlotGeometry } from './liveChartsProtocol.js';
import { seriesLabel } from './liveExport.js';

/**
 * The live view's two charts, run in a worker on the page's transferred canvases: the signal on
 * top, its rolling mean ± std below (the band filled between), sharing the x axis.
 */
export class LiveCharts {
  readonly signal: LineChart;
  readonly stats: LineChart;

  constructor(signalCanvas: OffscreenCanvas, statsCanvas: OffscreenCanvas) {
    // Lines are drawn into pixels read back from the canvas each frame (DENSE_LINES): kept in memory, even where a GPU draws canvases.
    for (const canvas of [signalCanvas, statsCanvas]) canvas.getContext('2d', { willReadFrequently: true });
    this.signal = createOffscreenLineChart(
      signalCanvas,
      {
        xTitle: 'sample #',
        yTitle: 'value',
        legend: { position: 'top', align: 'end', onClick: (_event, item) => this.toggleSeries(item) },
      },
      [DENSE_LINES],
    );
    this.stats = createOffscreenLineChart(
      statsCanvas,
      {
        xTitle: 'sample #',
        yTitle: 'rolling mean ± std',
        legend: {
          display: true,
          position: 'top',
          align: 'end',
          labels: { boxWidth: 12, boxHeight: 8, filter: (item) => item.datasetIndex! % STATS_PER_SERIES !== 2 },
        },
      },
      [DENSE_LINES],
    );
  }

  get charts(): LineChart[] {
    return [this.signal, this.stats];
  }

  render(data: LiveChartData): void {
    this.ensureDatasets(data.signal.length);
    data.signal.forEach((line, d) => (this.signal.data.datasets[d]!.data = columnPoints(line)));
    data.stats.forEach((line, d) => (this.stats.data.datasets[d]!.data = columnPoints(line)));
    this.stats.options.scales!.y!.title!.text = data.statsTitle;
    for (const chart of this.charts) {
      setXRange(chart, data.xRange);
      chart.options.scales!.x!.title!.text = data.xTitle;
      chart.options.normalized = data.normalized;
      chart.update('none');
    }
  }

  resize(chart: number, width: number, height: number, pixelRatio: number): void {
    resizeChart(this.charts[chart]!, width, height, pixelRatio);
  }

  pointer(chart: number, event: ChartPointerEvent, x: number, y: number): void {
    dispatchPointer(this.charts[chart]!, event, x, y);
  }

  plots(): PlotGeometry[] {
    return this.charts.map(({ chartArea: { left, right, top, bottom }, scales }) => ({
      left,
      right,
      top,
      bottom,
      min: scales.x!.min,
      max: scales.x!.max,
    }));
  }

  private ensureDatasets(seriesCount: number): void {
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
