import { type LineChart, type XRange, createLineChart, lineDataset, setXRange, wholeRange } from '../charts/lineChart.js';
import { decimatedPoints } from '../charts/points.js';
import { seriesColour } from '../charts/theme.js';

export interface LineSeries {
  label: string;
  values: ArrayLike<number>;
}

/**
 * Series plotted against their index. Each draw decimates to the pixels available, so a million
 * points draw fast, and zooming in decimates the zoomed range again to show its detail.
 */
export class ArrayLineChart {
  private readonly chart: LineChart;
  private series: readonly LineSeries[] = [];
  private range?: XRange;

  constructor(canvas: HTMLCanvasElement) {
    this.chart = createLineChart(canvas, {
      xTitle: 'index',
      yTitle: 'value',
      legend: { position: 'top', align: 'end' },
      onRangeChange: (range) => {
        this.range = range;
        this.draw();
      },
      // Chart.js applies the new size after this callback: decimate for it on the next frame.
      onResize: () => requestAnimationFrame(() => this.draw()),
    });
  }

  show(series: readonly LineSeries[], titles: { x: string; y: string }): void {
    this.series = series;
    this.chart.options.scales!.x!.title!.text = titles.x;
    this.chart.options.scales!.y!.title!.text = titles.y;
    this.chart.options.plugins!.legend!.display = series.length > 1;
    this.chart.data.datasets = series.map((s, i) => lineDataset(s.label, seriesColour(i)));
    this.resetZoom();
  }

  resetZoom(): void {
    this.range = undefined;
    this.draw();
  }

  private draw(): void {
    const length = Math.max(0, ...this.series.map((s) => s.values.length));
    const from = this.range ? Math.max(0, Math.floor(this.range.min)) : 0;
    const to = this.range ? Math.min(length, Math.ceil(this.range.max) + 1) : length;
    const buckets = Math.max(64, Math.round(this.chart.chartArea?.width ?? this.chart.width));
    this.series.forEach(({ values }, i) => {
      this.chart.data.datasets[i]!.data = decimatedPoints(
        (j) => j,
        (j) => values[j]!,
        from,
        Math.min(to, values.length),
        buckets,
      );
    });
    setXRange(this.chart, this.range ? wholeRange(this.range) : { min: 0, max: Math.max(1, length - 1) });
    this.chart.update('none');
  }
}
