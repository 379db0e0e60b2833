import type { ComplexPart, NumericArray } from '../../../client/index.js';

/** A typed array of plain numbers. */
export type RealArray = Exclude<NumericArray, BigInt64Array | BigUint64Array>;

/** Plain numbers for any typed array: 64-bit integers become the nearest double. */
export function asNumbers(values: NumericArray): RealArray {
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    return Float64Array.from(values as ArrayLike<bigint>, Number);
  }
  return values;
}

/** One real number per complex element of interleaved (re, im) pairs. */
export function complexPart(interleaved: ArrayLike<number>, part: ComplexPart): Float64Array {
  const out = new Float64Array(interleaved.length / 2);
  for (let i = 0; i < out.length; i++) {
    const re = interleaved[2 * i]!;
    const im = interleaved[2 * i + 1]!;
    out[i] = part === 'abs' ? Math.hypot(re, im) : part === 'real' ? re : part === 'imag' ? im : Math.atan2(im, re);
  }
  return out;
}

/** Numbers to plot, minus `offset` when 64-bit integers sit too far from zero for doubles to tell them apart. */
export interface PlotValues {
  readonly values: RealArray;
  readonly offset: bigint | null;
}

const EXACT = 2n ** 53n;

/** Values for a plot: complex through `part`, 64-bit integers exact relative to their minimum where that is needed. */
export function plotValues(values: NumericArray, complex: boolean, part: ComplexPart): PlotValues {
  if (complex) return { values: complexPart(values as ArrayLike<number>, part), offset: null };
  if (!(values instanceof BigInt64Array || values instanceof BigUint64Array) || values.length === 0) {
    return { values: asNumbers(values), offset: null };
  }
  let min = values[0]!;
  let max = values[0]!;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const far = max > EXACT || min < -EXACT;
  if (!far || max - min >= EXACT) return { values: asNumbers(values), offset: null };
  return { values: Float64Array.from(values as ArrayLike<bigint>, (v) => Number(v - min)), offset: min };
}
