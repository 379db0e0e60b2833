import type { Chart, Plugin, PointElement } from 'chart.js';
import { parseColour } from '../colour/colourMap.js';
import { denseInX, drawColumnRuns, plotAreaPixels } from './columnRuns.js';

/**
 * A Chart.js plugin that draws a chart's dense lines (at least a point per pixel column, x
 * ascending: a decimated signal) as pixel runs (`drawColumnRuns`) instead of Chart.js's strokes,
 * which without a GPU cost most of a frame (see columnRuns.ts). Lines with fills, and sparser
 * lines, stay Chart.js's. For a canvas read back every frame: give it `willReadFrequently`.
 */
export const DENSE_LINES: Plugin<'line'> = {
  id: 'denseLines',
  beforeDatasetsDraw: (chart) => {
    drawing.set(chart, denseLines(chart));
  },
  // `false` leaves the dataset out of Chart.js's drawing.
  beforeDatasetDraw: (chart, { index }) => !drawing.get(chart)?.has(index),
  afterDatasetsDraw: (chart) => drawDenseLines(chart, drawing.get(chart)),
};

/** Each chart's dense lines in the draw under way, by dataset index: found once before its datasets are drawn. */
const drawing = new WeakMap<Chart, Map<number, DenseLine>>();

interface DenseLine {
  xs: Float64Array;
  ys: Float64Array;
  colour: string;
  width: number;
}

/** The dataset's points in CSS pixels when it is a dense plain line, else undefined. */
function denseLine(chart: Chart, index: number): DenseLine | undefined {
  const dataset = chart.data.datasets[index] as { borderColor?: unknown; borderWidth?: unknown; fill?: unknown; showLine?: boolean };
  const meta = chart.getDatasetMeta(index);
  const points = meta.data;
  const width = typeof dataset.borderWidth === 'number' ? dataset.borderWidth : 1;
  if (
    meta.type !== 'line' ||
    dataset.showLine === false ||
    dataset.fill ||
    width <= 0 ||
    typeof dataset.borderColor !== 'string' ||
    points.length < 2
  )
    return undefined;
  const xs = Float64Array.from(points, (point) => point.x);
  if (!denseInX(xs, xs.length, 1)) return undefined;
  const ys = Float64Array.from(points, (point) => ((point as { skip?: boolean }).skip ? NaN : point.y));
  return { xs, ys, colour: dataset.borderColor, width };
}

/** A chart's visible dense lines, in Chart.js's drawing order. */
function denseLines(chart: Chart): Map<number, DenseLine> {
  const lines = new Map<number, DenseLine>();
  for (const { index } of chart.getSortedVisibleDatasetMetas()) {
    const line = denseLine(chart, index);
    if (line) lines.set(index, line);
  }
  return lines;
}

/** The dense lines, over what Chart.js drew of the plot area (its other lines and fills), in Chart.js's order among themselves (the first dataset on top). */
function drawDenseLines(chart: Chart, lines: ReadonlyMap<number, DenseLine> | undefined): void {
  if (!lines?.size) return;
  const ratio = chart.currentDevicePixelRatio;
  const { left, top, right, bottom } = plotAreaPixels(chart.chartArea, ratio, chart.canvas.width, chart.canvas.height);
  if (right <= left || bottom <= top) return;
  const image = chart.ctx.getImageData(left, top, right - left, bottom - top);
  const pixels = { data: new Uint32Array(image.data.buffer), width: image.width };
  const box = { left: 0, top: 0, right: image.width, bottom: image.height };
  for (const { xs, ys, colour, width } of [...lines.values()].reverse()) {
    for (let i = 0; i < xs.length; i++) {
      xs[i] = xs[i]! * ratio - left;
      ys[i] = ys[i]! * ratio - top;
    }
    drawColumnRuns(pixels, xs, ys, xs.length, parseColour(colour), box, width * ratio);
  }
  chart.ctx.putImageData(image, left, top);
  // Chart.js draws a hovered point with its line, which it no longer draws: so draw those here.
  for (const { datasetIndex, element } of chart.getActiveElements())
    if (lines.has(datasetIndex)) (element as PointElement).draw(chart.ctx, chart.chartArea);
}
