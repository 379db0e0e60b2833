import { LogarithmicScale, type Plugin } from 'chart.js';
import { type LineChart, lineOptions } from '../../charts/lineOptions.js';
import type { Point } from '../../charts/points.js';
import { Chart } from '../../charts/setup.js';
import { THEME } from '../../charts/theme.js';
import type { TimeAxis } from '../timeAxis.js';

Chart.register(LogarithmicScale);

export interface PlotChartOptions {
  xTitle: string;
  yTitle: string;
  /** Draw the workspace's hover cursor and label x ticks as the workspace's time (time plots). */
  axis?: TimeAxis;
}

/** A vertical line at the workspace's hover x, in every time panel at once. */
function cursorPlugin(axis: TimeAxis): Plugin<'line'> {
  return {
    id: 'workspaceCursor',
    afterDatasetsDraw(chart) {
      const x = axis.hover;
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

/** A Chart.js line chart on the page for workspace panels: no animation, pre-decimated {x, y} data, a right y axis on demand. */
export function createPlotChart(canvas: HTMLCanvasElement, options: PlotChartOptions): LineChart {
  const base = lineOptions({ xTitle: options.xTitle, yTitle: options.yTitle });
  const axis = options.axis;
  const chart = new Chart<'line', Point[]>(canvas, {
    type: 'line',
    data: { datasets: [] },
    options: {
      ...base,
      responsive: true,
      events: [],
      scales: {
        ...base.scales,
        x: {
          ...base.scales!.x,
          title: { display: false },
          ticks: {
            maxRotation: 0,
            autoSkipPadding: 12,
            callback: axis ? (value, _index, ticks) => axis.format(Number(value), tickStep(ticks)) : undefined,
          },
        },
        y: { ...base.scales!.y, title: { display: false } },
        y2: { type: 'linear', position: 'right', display: false, grid: { drawOnChartArea: false } },
      },
      plugins: { legend: { display: false }, tooltip: { enabled: false } },
    },
    plugins: axis ? [cursorPlugin(axis)] : [],
  });
  return chart;
}

function tickStep(ticks: { value: number }[]): number {
  return ticks.length > 1 ? Math.abs(ticks[1]!.value - ticks[0]!.value) : 1;
}
