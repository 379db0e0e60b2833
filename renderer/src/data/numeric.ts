import type { NumericArray } from '../../../client/index.js';

/** A typed array of plain numbers. */
export type RealArray = Exclude<NumericArray, BigInt64Array | BigUint64Array>;

/** Plain numbers for any typed array: 64-bit integers become the nearest double. */
export function asNumbers(values: NumericArray): RealArray {
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    return Float64Array.from(values as ArrayLike<bigint>, Number);
  }
  return values;
}

/** |z| of interleaved (re, im) pairs. */
export function complexMagnitude(interleaved: ArrayLike<number>): Float64Array {
  const out = new Float64Array(interleaved.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Math.hypot(interleaved[2 * i]!, interleaved[2 * i + 1]!);
  return out;
}
