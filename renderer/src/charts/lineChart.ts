import type { ChartDataset, ChartOptions } from 'chart.js';
import { Chart } from './setup.js';
import type { Point } from './points.js';
import { THEME, withAlpha } from './theme.js';

export type LineChart = Chart<'line', Point[]>;
export type LineDataset = ChartDataset<'line', Point[]>;

export interface XRange {
  min: number;
  max: number;
}

export interface LineChartOptions {
  xTitle: string;
  yTitle: string;
  legend?: NonNullable<ChartOptions<'line'>['plugins']>['legend'];
  /** Before a zoom or pan gesture starts (the live view pauses here). */
  onGestureStart?: () => void;
  /** After each step of a zoom or pan gesture, with the x range now shown. */
  onRangeChange?: (range: XRange) => void;
  /** The canvas changed size: decimation for the old width is now too coarse or too fine. */
  onResize?: () => void;
}

/**
 * A line chart tuned for many points: no animation or parsing (data arrive decimated, as {x, y}),
 * no point markers, wheel or drag to zoom x, shift-drag to pan.
 */
export function createLineChart(canvas: HTMLCanvasElement, options: LineChartOptions): LineChart {
  const rangeChanged = ({ chart }: { chart: Chart }) => {
    const { min, max } = chart.scales.x!;
    options.onRangeChange?.({ min, max });
  };
  const gestureStarted = () => {
    options.onGestureStart?.();
    return true;
  };
  return new Chart<'line', Point[]>(canvas, {
    type: 'line',
    data: { datasets: [] },
    options: {
      animation: false,
      parsing: false,
      normalized: true,
      responsive: true,
      maintainAspectRatio: false,
      onResize: () => options.onResize?.(),
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
        zoom: {
          zoom: {
            mode: 'x',
            wheel: { enabled: true },
            drag: { enabled: true, backgroundColor: withAlpha(THEME.accent, 0.15), borderColor: THEME.accent, borderWidth: 1 },
            onZoomStart: gestureStarted,
            // Every step, not just on completion: the owner redraws (and re-decimates) for the range at once.
            onZoom: rangeChanged,
          },
          pan: { enabled: true, mode: 'x', modifierKey: 'shift', onPanStart: gestureStarted, onPan: rangeChanged },
        },
      },
    },
  });
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
