import { describe, expect, it } from 'vitest';
import { asNumbers, complexMagnitude } from './numeric.js';

describe('asNumbers', () => {
  it('converts 64-bit integers and passes other arrays through', () => {
    expect([...asNumbers(new BigInt64Array([-3n, 2n ** 53n]))]).toEqual([-3, 2 ** 53]);
    expect([...asNumbers(new BigUint64Array([7n]))]).toEqual([7]);
    const floats = new Float32Array([1.5]);
    expect(asNumbers(floats)).toBe(floats);
  });
});

describe('complexMagnitude', () => {
  it('takes the modulus of each (re, im) pair', () => {
    expect([...complexMagnitude(new Float64Array([3, 4, 0, -2, NaN, 0]))]).toEqual([5, 2, NaN]);
  });
});
