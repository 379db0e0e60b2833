/** The run-at-a-time float formatting writes exactly what formatting each element would. */
import { describe, expect, it } from 'vitest';
import { decodeNpy } from '../common/npy/codec.js';
import type { DTypeName } from '../common/npy/dtype.js';
import { formatFloat, jsonDataChunks } from '../common/npy/json.js';
import { type NumericArray, typedArrayToNpy } from '../common/npy/typed.js';

function render(values: NumericArray, shape: number[], dtype?: DTypeName): string {
  const { header, data } = decodeNpy(typedArrayToNpy(values, shape, dtype));
  return [...jsonDataChunks(header, data)].join('');
}

/** One element at a time, as `ndarray.tolist()` would be written. */
function elementByElement(values: ArrayLike<number | bigint>, write: (x: number | bigint) => string): string {
  return `[${Array.from(values, write).join(',')}]`;
}

const SPECIALS = [0, -0, 1, -3, 2 ** 53, 1e21, -1e300, NaN, Infinity, -Infinity, 5e-324, 0.1, 1 / 3];

/** Random floats with special values sprinkled in, at the start, the end and in runs. */
function mixedFloats(length: number, seed: number): Float64Array {
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Float64Array.from({ length }, (_, i) => {
    if (i === 0 || i === length - 1 || random() < 0.05) return SPECIALS[Math.floor(random() * SPECIALS.length)]!;
    return (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20);
  });
}

describe('JSON rendering of numbers', () => {
  it('float64 with specials anywhere, across piece boundaries, equals per-element formatFloat', () => {
    for (const [length, seed] of [
      [1, 1],
      [2, 2],
      [8191, 3],
      [8193, 4],
      [20_000, 5],
    ] as const) {
      const values = mixedFloats(length, seed);
      expect(render(values, [length])).toBe(elementByElement(values, (x) => formatFloat(x as number)));
    }
  });

  it('a float64 array of only integral values, and one of only specials', () => {
    const integral = Float64Array.from({ length: 10_000 }, (_, i) => i - 5000);
    expect(render(integral, [10_000])).toBe(elementByElement(integral, (x) => formatFloat(x as number)));
    const specials = Float64Array.from(SPECIALS);
    expect(render(specials, [SPECIALS.length])).toBe(elementByElement(specials, (x) => formatFloat(x as number)));
  });

  it('float32 values are written as the doubles they widen to', () => {
    const values = Float32Array.from(mixedFloats(3000, 6));
    expect(render(values, [3000])).toBe(elementByElement(values, (x) => formatFloat(x as number)));
  });

  it('integers of every width, 64-bit ones with all their digits', () => {
    const int32 = Int32Array.from({ length: 9000 }, (_, i) => (i * 2654435761) | 0);
    expect(render(int32, [9000])).toBe(elementByElement(int32, String));
    const uint8 = Uint8Array.from({ length: 300 }, (_, i) => i % 256);
    expect(render(uint8, [300])).toBe(elementByElement(uint8, String));
    const int64 = BigInt64Array.from([-(2n ** 63n), 2n ** 53n + 1n, 0n, 2n ** 63n - 1n]);
    expect(render(int64, [4])).toBe('[-9223372036854775808,9007199254740993,0,9223372036854775807]');
  });

  it('a 2-D float array keeps its rows', () => {
    const values = Float64Array.from([0.5, 1, NaN, -2.25, 3, 0.1]);
    expect(render(values, [2, 3])).toBe('[[0.5,1.0,"NaN"],[-2.25,3.0,0.1]]');
  });
});
