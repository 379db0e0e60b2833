import { describe, expect, it } from 'vitest';
import { minMaxIndices } from './decimate.js';

describe('minMaxIndices', () => {
  it('keeps every index when there are few', () => {
    expect(minMaxIndices(() => 0, 2, 6, 2)).toEqual([2, 3, 4, 5]);
    expect(minMaxIndices(() => 0, 3, 3, 2)).toEqual([]);
  });

  it("keeps each bucket's extremes in index order", () => {
    const y = [0, 5, -1, 2, /* bucket 2 */ 9, 1, 1, -4, /* bucket 3 */ 3, 3, 3, 3];
    expect(minMaxIndices((i) => y[i]!, 0, 12, 3)).toEqual([1, 2, 4, 7, 8]);
  });

  it('keeps a NaN per bucket so the line shows the gap', () => {
    const y = [1, NaN, 2, 3, 4, 5, 6, 7, NaN, NaN];
    expect(minMaxIndices((i) => y[i]!, 0, 10, 2)).toEqual([0, 1, 4, 5, 7, 8]);
  });

  it('brings a million points down to about two per bucket', () => {
    const y = Float64Array.from({ length: 1_000_000 }, (_, i) => Math.sin(i / 1000));
    const kept = minMaxIndices((i) => y[i]!, 0, y.length, 1000);
    expect(kept.length).toBeLessThanOrEqual(2000);
    expect(Math.max(...kept.map((i) => y[i]!))).toBeCloseTo(1, 6);
  });
});
