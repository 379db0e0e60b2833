import type { ComplexPart, NpyClient, NumericArray } from '../../../client/index.js';
import { formatValue } from '../data/format.js';
import { type PlotValues, plotValues } from '../data/numeric.js';
import type { HeatImage, HeatLoader } from './heatmapView.js';
import type { LineData, LineLoader, LineSeriesData } from './arrayLineChart.js';
import { type AxisRange, MAX_SERIES, type NdView, binStart, formatIndexAt, seriesAxisOf, sliceText, strideFor, xAxisOf } from './ndView.js';

/** What the loaders need to know about the array. */
export interface ArraySource {
  readonly client: NpyClient;
  readonly index: number;
  /** numpy kind: b, i, u, f, c. */
  readonly kind: string;
  readonly part: ComplexPart;
}

/** A line loader fetches every index when there are at most this many per pixel, else a min/max overview. */
const EXACT_POINTS_PER_PIXEL = 4;

/** The exact text of element `i` of downloaded values: 64-bit integers with all their digits, complex through the part. */
export function exactText(values: NumericArray, i: number, source: ArraySource, plot: PlotValues): string {
  if (source.kind === 'b') return values[i] ? 'True' : 'False';
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) return String(values[i]);
  if (source.kind === 'c') {
    const [re, im] = [values[2 * i] as number, values[2 * i + 1] as number];
    return `${formatValue(re)}${im < 0 ? '−' : '+'}${formatValue(Math.abs(im))}j (${source.part} ${formatValue(plot.values[i]!)})`;
  }
  return String(values[i]);
}

/** Range text `a:b` of [start, stop) for messages. */
function span(start: number, stop: number): string {
  return stop - start === 1 ? String(start) : `${start}:${stop}`;
}

/**
 * Line data for `view`: x along its x axis, up to MAX_SERIES lines along its series axis, every
 * other axis at its slider's index. Exact values when they fit the pixels, else the server's
 * min/max per bin (each bin drawn as its min then its max).
 */
export function lineLoader(source: ArraySource, view: NdView, onOffset: (offset: bigint | null) => void): LineLoader {
  const xAxis = xAxisOf(view);
  const seriesAxis = seriesAxisOf(view);
  const seriesCount = seriesAxis < 0 ? 1 : Math.min(MAX_SERIES, view.shape[seriesAxis]!);
  return async (from, to, buckets, signal) => {
    const ranges = new Map<number, AxisRange>([[xAxis, { start: from, stop: to, step: 1 }]]);
    if (seriesAxis >= 0) ranges.set(seriesAxis, { start: 0, stop: seriesCount, step: 1 });
    const slice = sliceText(view, ranges);
    const count = to - from;
    // Position of (series s, x i) in the C-order result, whose axes keep the array's order.
    const at = (s: number, i: number, length: number) => (seriesAxis < 0 ? i : seriesAxis < xAxis ? s * length + i : i * seriesCount + s);
    const label = (s: number) => (seriesAxis < 0 ? 'value' : `${seriesAxis === view.rowAxis ? 'row' : 'column'} ${s}`);
    const indexOf = (s: number, x: number | string) => {
      const positions = new Map<number, number | string>([[xAxis, x]]);
      if (seriesAxis >= 0) positions.set(seriesAxis, s);
      return formatIndexAt(view, positions);
    };
    if (count <= EXACT_POINTS_PER_PIXEL * buckets) {
      const array = await source.client.getSlice(source.index, slice, signal);
      const plot = plotValues(array.values, source.kind === 'c', source.part);
      onOffset(plot.offset);
      const series: LineSeriesData[] = Array.from({ length: seriesCount }, (_, s) => ({
        label: label(s),
        x: Float64Array.from({ length: count }, (_, i) => from + i),
        y: Float64Array.from({ length: count }, (_, i) => plot.values[at(s, i, count)]!),
      }));
      return {
        series,
        kind: 'exact',
        describe: (s, i) => `a${indexOf(s, from + i)} = ${exactText(array.values, at(s, i, count), source, plot)}`,
      } satisfies LineData;
    }
    const bins = Math.min(count, buckets);
    const overview = await source.client.getOverview(
      source.index,
      { slice, bins: seriesAxis < 0 ? [bins] : seriesAxis < xAxis ? [seriesCount, bins] : [bins, seriesCount], part: partFor(source) },
      signal,
    );
    onOffset(null);
    const series: LineSeriesData[] = Array.from({ length: seriesCount }, (_, s) => {
      const x = new Float64Array(2 * bins);
      const y = new Float64Array(2 * bins);
      for (let b = 0; b < bins; b++) {
        const start = binStart(from, count, bins, b);
        const end = binStart(from, count, bins, b + 1);
        x[2 * b] = start;
        x[2 * b + 1] = Math.max(start, end - 1);
        y[2 * b] = overview.min[at(s, b, bins)]!;
        y[2 * b + 1] = overview.max[at(s, b, bins)]!;
      }
      return { label: label(s), x, y };
    });
    return {
      series,
      kind: 'overview',
      describe: (s, point) => {
        const b = point >> 1;
        const start = binStart(from, count, bins, b);
        const end = binStart(from, count, bins, b + 1);
        const k = at(s, b, bins);
        const nan = overview.nan[k]! ? `, ${overview.nan[k]} NaN` : '';
        return `a${indexOf(s, span(start, end))}: min ${formatValue(overview.min[k]!)}, max ${formatValue(overview.max[k]!)}${nan}`;
      },
    } satisfies LineData;
  };
}

function partFor(source: ArraySource): ComplexPart | undefined {
  return source.kind === 'c' ? source.part : undefined;
}

/**
 * Heatmap images for `view`: first every n-th element (one small read, drawn at once), then,
 * when that skipped any, the server's overview of the window with each cell its block's mean
 * (bool: whether any is True).
 */
export function heatLoader(source: ArraySource, view: NdView): HeatLoader {
  const { rowAxis, colAxis } = view;
  const transposed = rowAxis > colAxis;
  return async function* (window, pixels, signal) {
    const rows = window.r1 - window.r0;
    const cols = window.c1 - window.c0;
    const rowStep = strideFor(rows, pixels.height);
    const colStep = strideFor(cols, pixels.width);
    const strided = sliceText(
      view,
      new Map([
        [rowAxis, { start: window.r0, stop: window.r1, step: rowStep }],
        [colAxis, { start: window.c0, stop: window.c1, step: colStep }],
      ]),
    );
    const array = await source.client.getSlice(source.index, strided, signal);
    const plot = plotValues(array.values, source.kind === 'c', source.part);
    const outRows = Math.ceil(rows / rowStep);
    const outCols = Math.ceil(cols / colStep);
    const at = (i: number, j: number) => (transposed ? j * outRows + i : i * outCols + j);
    const values = new Float64Array(outRows * outCols);
    for (let i = 0; i < outRows; i++) for (let j = 0; j < outCols; j++) values[i * outCols + j] = plot.values[at(i, j)]!;
    const edges = (start: number, stop: number, step: number, n: number) =>
      Array.from({ length: n + 1 }, (_, k) => Math.min(stop, start + k * step));
    const exact = rowStep === 1 && colStep === 1;
    const indexText = (r: string | number, c: string | number) =>
      formatIndexAt(
        view,
        new Map([
          [rowAxis, r],
          [colAxis, c],
        ]),
      );
    yield {
      rows: outRows,
      cols: outCols,
      values,
      rowEdges: edges(window.r0, window.r1, rowStep, outRows),
      colEdges: edges(window.c0, window.c1, colStep, outCols),
      kind: exact ? 'exact' : 'strided',
      note: exact
        ? `${outRows} × ${outCols} values, one cell each`
        : `every ${rowStep}th row and ${colStep}th column (refining to block summaries…)`,
      describe: (i, j) =>
        `a${indexText(window.r0 + i * rowStep, window.c0 + j * colStep)} = ${exactText(array.values, at(i, j), source, plot)}`,
    } satisfies HeatImage;
    if (exact) return;
    const whole = sliceText(
      view,
      new Map([
        [rowAxis, { start: window.r0, stop: window.r1, step: 1 }],
        [colAxis, { start: window.c0, stop: window.c1, step: 1 }],
      ]),
    );
    const bins = transposed ? [outCols, outRows] : [outRows, outCols];
    const overview = await source.client.getOverview(source.index, { slice: whole, bins, part: partFor(source) }, signal);
    const shown = source.kind === 'b' ? overview.max : overview.mean;
    const cells = new Float64Array(outRows * outCols);
    for (let i = 0; i < outRows; i++) for (let j = 0; j < outCols; j++) cells[i * outCols + j] = shown[at(i, j)]!;
    const rowEdges = Array.from({ length: outRows + 1 }, (_, k) => binStart(window.r0, rows, outRows, k));
    const colEdges = Array.from({ length: outCols + 1 }, (_, k) => binStart(window.c0, cols, outCols, k));
    yield {
      rows: outRows,
      cols: outCols,
      values: cells,
      rowEdges,
      colEdges,
      kind: 'overview',
      note: `${outRows} × ${outCols} cells, each the ${source.kind === 'b' ? 'any-True' : 'mean'} of a block of about ${rowStep} × ${colStep}`,
      describe: (i, j) => {
        const k = at(i, j);
        const block = indexText(span(rowEdges[i]!, rowEdges[i + 1]!), span(colEdges[j]!, colEdges[j + 1]!));
        const nan = overview.nan[k]! ? `, ${overview.nan[k]} NaN` : '';
        return `a${block}: mean ${formatValue(overview.mean[k]!)}, min ${formatValue(overview.min[k]!)}, max ${formatValue(overview.max[k]!)}${nan}`;
      },
    } satisfies HeatImage;
  };
}
