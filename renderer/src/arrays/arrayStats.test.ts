import { describe, expect, it } from 'vitest';
import { summarize } from './arrayStats.js';

describe('summarize', () => {
  it('computes min, max, mean and population std', () => {
    expect(summarize([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ count: 8, nan: 0, infinite: 0, min: 2, max: 9, mean: 5, std: 2 });
  });

  it('counts NaN and infinities and leaves them out of the statistics', () => {
    expect(summarize([1, NaN, 3, Infinity, -Infinity, NaN])).toEqual({ count: 6, nan: 2, infinite: 2, min: 1, max: 3, mean: 2, std: 1 });
  });

  it('is NaN without finite values', () => {
    expect(summarize([NaN])).toMatchObject({ count: 1, nan: 1, min: NaN, mean: NaN });
    expect(summarize([]).count).toBe(0);
  });

  it('stays accurate far from zero', () => {
    expect(summarize([1e9 + 1, 1e9 + 2, 1e9 + 3]).std).toBeCloseTo(Math.sqrt(2 / 3), 6);
  });
});
