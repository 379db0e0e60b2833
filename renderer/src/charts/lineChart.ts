import zoomPlugin from 'chartjs-plugin-zoom';
import { type LineChart, type LineOptions, type XRange, lineOptions } from './lineOptions.js';
import { Chart } from './setup.js';
import type { Point } from './points.js';
import { THEME, withAlpha } from './theme.js';

export { type LineChart, type LineDataset, type XRange, lineDataset, setXRange, wholeRange } from './lineOptions.js';

Chart.register(zoomPlugin);

export interface LineChartOptions extends LineOptions {
  /** Before a zoom or pan gesture starts (the live view pauses here). */
  onGestureStart?: () => void;
  /** After each step of a zoom or pan gesture, with the x range now shown. */
  onRangeChange?: (range: XRange) => void;
  /** The canvas changed size: decimation for the old width is now too coarse or too fine. */
  onResize?: () => void;
  /** The tooltip's one line for a point (dataset, index): replaces Chart.js's title and label lines. */
  describePoint?: (dataset: number, index: number) => string;
}

/** A line chart on the page, sized by its container: wheel or drag to zoom x, shift-drag to pan. */
export function createLineChart(canvas: HTMLCanvasElement, options: LineChartOptions): LineChart {
  const rangeChanged = ({ chart }: { chart: Chart }) => {
    const { min, max } = chart.scales.x!;
    options.onRangeChange?.({ min, max });
  };
  const gestureStarted = () => {
    options.onGestureStart?.();
    return true;
  };
  const base = lineOptions(options);
  return new Chart<'line', Point[]>(canvas, {
    type: 'line',
    data: { datasets: [] },
    options: {
      ...base,
      responsive: true,
      onResize: () => options.onResize?.(),
      plugins: {
        ...base.plugins,
        ...(options.describePoint && {
          tooltip: {
            animation: false,
            callbacks: {
              title: (items) => (items[0] ? options.describePoint!(items[0].datasetIndex, items[0].dataIndex) : ''),
              label: () => '',
            },
          },
        }),
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
