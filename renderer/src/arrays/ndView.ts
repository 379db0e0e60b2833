/**
 * Which part of an N-D array is shown and how: two axes on screen (rows and columns of a heatmap,
 * or the x axis and the series of line plots) and an index for every other axis. Pure: it turns a
 * view and a window into NumPy slice text for the server, and screen positions into N-D indices.
 */

export type PlotMode = 'line' | 'heatmap' | 'rows' | 'columns';

export interface NdView {
  readonly shape: readonly number[];
  readonly mode: PlotMode;
  /** Heatmap rows; the series of 'rows'. Unused by 'line'. */
  readonly rowAxis: number;
  /** Heatmap columns; the x axis of 'line' and 'rows'; the series of 'columns'. */
  readonly colAxis: number;
  /** The index of each axis not shown (entries of shown axes are ignored). */
  readonly indices: readonly number[];
}

/** Most lines drawn at once in 'rows' and 'columns' mode. */
export const MAX_SERIES = 16;
/** A last axis this short beside a first axis this many times longer is channels: (N, channels) data. */
const MAX_CHANNELS = 16;
const CHANNEL_RATIO = 8;

export function modesFor(shape: readonly number[]): PlotMode[] {
  return shape.length >= 2 ? ['heatmap', 'columns', 'rows', 'line'] : ['line'];
}

/** 1-D: a line; (N, channels): its columns as lines; otherwise a heatmap of the last two axes. */
export function defaultView(shape: readonly number[]): NdView {
  const ndim = shape.length;
  const indices = new Array<number>(ndim).fill(0);
  if (ndim < 2) return { shape, mode: 'line', rowAxis: -1, colAxis: ndim - 1, indices };
  const rowAxis = ndim - 2;
  const colAxis = ndim - 1;
  const channels = shape[colAxis]! <= MAX_CHANNELS && shape[rowAxis]! >= CHANNEL_RATIO * shape[colAxis]!;
  return { shape, mode: channels ? 'columns' : 'heatmap', rowAxis, colAxis, indices };
}

/** The axis plotted along x in a line mode. */
export function xAxisOf(view: NdView): number {
  return view.mode === 'columns' ? view.rowAxis : view.colAxis;
}

/** The axis whose indices are the lines in 'rows' and 'columns' (-1 for 'line' and 'heatmap'). */
export function seriesAxisOf(view: NdView): number {
  if (view.mode === 'rows') return view.rowAxis;
  if (view.mode === 'columns') return view.colAxis;
  return -1;
}

/** The axes on screen; every other axis gets a slider. */
export function shownAxes(view: NdView): number[] {
  if (view.mode === 'line') return [view.colAxis];
  return [view.rowAxis, view.colAxis];
}

export interface AxisRange {
  readonly start: number;
  readonly stop: number;
  readonly step: number;
}

/** `a[...]` text: each shown axis its range, every other axis its index. */
export function sliceText(view: NdView, ranges: ReadonlyMap<number, AxisRange>): string {
  return view.shape
    .map((_, axis) => {
      const range = ranges.get(axis);
      if (!range) return String(view.indices[axis] ?? 0);
      return `${range.start}:${range.stop}${range.step === 1 ? '' : `:${range.step}`}`;
    })
    .join(',');
}

/** `[2, 15, 7]` as NumPy prints an index tuple; shown axes may hold ranges such as `4:8`. */
export function formatIndexAt(view: NdView, positions: ReadonlyMap<number, number | string>): string {
  return `[${view.shape.map((_, axis) => positions.get(axis) ?? view.indices[axis] ?? 0).join(', ')}]`;
}

/** Changes the shown axes, keeping them distinct: picking the other one's axis swaps them. */
export function withAxes(view: NdView, rowAxis: number, colAxis: number): NdView {
  if (rowAxis === colAxis) return { ...view, rowAxis: view.colAxis, colAxis: view.rowAxis };
  return { ...view, rowAxis, colAxis };
}

/** A stride that brings `length` indices down to about `pixels`, at least 1. */
export function strideFor(length: number, pixels: number): number {
  return Math.max(1, Math.ceil(length / Math.max(1, pixels)));
}

/** Bin j of `bins` over [start, start + length) begins at start + ceil(j·length/bins), as the server bins. */
export function binStart(start: number, length: number, bins: number, j: number): number {
  return start + Math.ceil((j * length) / bins);
}
