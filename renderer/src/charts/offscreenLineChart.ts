import { BasicPlatform, type Chart, type ChartEvent, type Plugin } from 'chart.js';
import { type LineChart, type LineOptions, lineOptions } from './lineOptions.js';
import type { Point } from './points.js';
import { Chart as RegisteredChart } from './setup.js';

/** The pointer events a chart reacts to (tooltips, legend clicks), by Chart.js's names for them. */
export type ChartPointerEvent = 'mousemove' | 'mouseout' | 'click';

/**
 * Chart.js's platform for a canvas in a worker, which gets no DOM events: the page forwards its
 * pointer events by message and `dispatch` hands them to the chart. Chart.js makes one per chart.
 */
class ForwardedEventsPlatform extends BasicPlatform {
  private readonly listeners = new Map<string, (event: ChartEvent) => void>();
  private chart?: Chart;

  override addEventListener(chart: Chart, type: string, listener: (event: ChartEvent) => void): void {
    this.chart = chart;
    this.listeners.set(type, listener);
  }

  override removeEventListener(_chart: Chart, type: string): void {
    this.listeners.delete(type);
  }

  /** `x`, `y` in CSS pixels from the canvas's top left corner. */
  dispatch(type: ChartPointerEvent, x: number, y: number): void {
    // Chart.js reads only the type of the native event (to filter plugins by the events they want).
    this.listeners.get(type)?.({ type, chart: this.chart, native: { type } as Event, x, y } as ChartEvent);
  }
}

/** A line chart on an OffscreenCanvas (in a worker): sized by `resizeChart`, fed events by `dispatchPointer`. */
export function createOffscreenLineChart(canvas: OffscreenCanvas, options: LineOptions, plugins: Plugin<'line'>[] = []): LineChart {
  return new RegisteredChart<'line', Point[]>(canvas as unknown as HTMLCanvasElement, {
    type: 'line',
    platform: ForwardedEventsPlatform,
    data: { datasets: [] },
    options: { ...lineOptions(options), responsive: false },
    plugins,
  });
}

/** Sets the chart's size in CSS pixels and the canvas's pixels per CSS pixel; the chart redraws. */
export function resizeChart(chart: LineChart, width: number, height: number, pixelRatio: number): void {
  chart.options.devicePixelRatio = pixelRatio;
  chart.resize(width, height);
}

export function dispatchPointer(chart: LineChart, type: ChartPointerEvent, x: number, y: number): void {
  (chart.platform as ForwardedEventsPlatform).dispatch(type, x, y);
}
