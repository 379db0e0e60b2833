import type { ChartDataset, ChartOptions } from 'chart.js';
import type { Chart } from './setup.js';
import type { Point } from './points.js';

export type LineChart = Chart<'line', Point[]>;
export type LineDataset = ChartDataset<'line', Point[]>;

export interface XRange {
  min: number;
  max: number;
}

export interface LineOptions {
  xTitle: string;
  yTitle: string;
  legend?: NonNullable<ChartOptions<'line'>['plugins']>['legend'];
}

/**
 * Options of a line chart tuned for many points: no animation or parsing (data arrive decimated,
 * as {x, y}), no point markers. Free of DOM code, for charts on the page and in a worker alike.
 */
export function lineOptions(options: LineOptions): ChartOptions<'line'> {
  return {
    animation: false,
    parsing: false,
    normalized: true,
    maintainAspectRatio: false,
    spanGaps: false,
    // Whole-pixel lines: fractional widths cost a software rasteriser (no GPU) about a third of the frame rate.
    elements: { point: { radius: 0, hitRadius: 4, hoverRadius: 3 }, line: { borderWidth: 1, tension: 0 } },
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    scales: {
      x: { type: 'linear', title: { display: true, text: options.xTitle }, ticks: { maxRotation: 0 } },
      y: { type: 'linear', title: { display: true, text: options.yTitle } },
    },
    plugins: {
      legend: { display: false, labels: { boxWidth: 12, boxHeight: 2 }, ...options.legend },
      tooltip: { animation: false },
    },
  };
}

/** An empty line in one colour (its legend swatch and hover point too). */
export function lineDataset(label: string, colour: string): LineDataset {
  return { label, data: [], borderColor: colour, backgroundColor: colour, pointBackgroundColor: colour };
}

/** Shows `range` on the chart's x axis, or lets the chart fit its data when undefined. */
export function setXRange(chart: LineChart, range: Partial<XRange> | undefined): void {
  const x = chart.options.scales!.x!;
  x.min = range?.min;
  x.max = range?.max;
}

/** A range widened to whole numbers, for index axes: no tick labels such as 4,293.3. */
export function wholeRange(range: XRange): XRange {
  return { min: Math.floor(range.min), max: Math.ceil(range.max) };
}
