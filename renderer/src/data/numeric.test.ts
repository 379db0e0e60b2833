import { describe, expect, it } from 'vitest';
import { asNumbers, complexPart, plotValues } from './numeric.js';

describe('asNumbers', () => {
  it('converts 64-bit integers and passes other arrays through', () => {
    expect([...asNumbers(new BigInt64Array([-3n, 2n ** 53n]))]).toEqual([-3, 2 ** 53]);
    expect([...asNumbers(new BigUint64Array([7n]))]).toEqual([7]);
    const floats = new Float32Array([1.5]);
    expect(asNumbers(floats)).toBe(floats);
  });
});

describe('complexPart', () => {
  it('takes |z|, phase, real or imaginary part of each (re, im) pair', () => {
    const z = new Float64Array([3, 4, 0, -2, NaN, 0]);
    expect([...complexPart(z, 'abs')]).toEqual([5, 2, NaN]);
    expect([...complexPart(z, 'real')]).toEqual([3, 0, NaN]);
    expect([...complexPart(z, 'imag')]).toEqual([4, -2, 0]);
    expect(complexPart(z, 'phase')[1]).toBeCloseTo(-Math.PI / 2, 12);
  });
});

describe('plotValues', () => {
  it('plots uint64 near 2^64 exactly, relative to the minimum', () => {
    const top = 2n ** 64n - 1n;
    const { values, offset } = plotValues(new BigUint64Array([top - 2n, top - 1n, top]), false, 'abs');
    expect(offset).toBe(top - 2n);
    expect([...values]).toEqual([0, 1, 2]);
  });

  it('leaves small integers and wide ranges alone', () => {
    expect(plotValues(new BigInt64Array([1n, 2n]), false, 'abs').offset).toBeNull();
    expect(plotValues(new BigUint64Array([0n, 2n ** 63n]), false, 'abs').offset).toBeNull();
  });
});
