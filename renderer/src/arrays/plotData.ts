import type { DTypeName } from '../../../common/npy/dtype.js';
import type { NumericArray } from '../../../client/index.js';
import { type RealArray, asNumbers, complexMagnitude } from '../data/numeric.js';

export type PlotLayout =
  | { readonly kind: 'empty' }
  | { readonly kind: 'scalar' }
  | { readonly kind: 'line' }
  /** 2-D, or N-D with the leading dimensions flattened into rows. */
  | { readonly kind: 'grid'; readonly rows: number; readonly cols: number };

export interface PlotData {
  /** Real values in C order: |z| for complex dtypes. */
  readonly values: RealArray;
  readonly magnitude: boolean;
  readonly layout: PlotLayout;
}

/** How to show a downloaded array, and the numbers to show. */
export function plotData(values: NumericArray, shape: readonly number[], dtype: DTypeName): PlotData {
  const magnitude = dtype === 'complex64' || dtype === 'complex128';
  const numbers = magnitude ? complexMagnitude(values as ArrayLike<number>) : asNumbers(values);
  return { values: numbers, magnitude, layout: layoutOf(shape) };
}

function layoutOf(shape: readonly number[]): PlotLayout {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count === 0) return { kind: 'empty' };
  if (shape.length === 0) return { kind: 'scalar' };
  if (shape.length === 1) return { kind: 'line' };
  const cols = shape[shape.length - 1]!;
  return { kind: 'grid', rows: count / cols, cols };
}
