import { describe, expect, it } from 'vitest';
import { indexTicks } from './axisTicks.js';

describe('indexTicks', () => {
  it('puts whole-number ticks at 1, 2 or 5 × 10^k', () => {
    expect(indexTicks(0, 32, 5)).toEqual([0, 10, 20, 30]);
    expect(indexTicks(0, 3, 8)).toEqual([0, 1, 2]);
    expect(indexTicks(0.4, 5.2, 10)).toEqual([1, 2, 3, 4, 5]);
    expect(indexTicks(0, 65536, 6)).toEqual([0, 20000, 40000, 60000]);
  });
});
