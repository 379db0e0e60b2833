import { describe, expect, it } from 'vitest';
import { BucketDecimator } from './bucketDecimator.js';

/** A sample every millisecond, t seconds, with a signal that has extremes at odd places. */
function series(length: number): { x: Float64Array; y: Float64Array } {
  const x = Float64Array.from({ length }, (_, i) => i / 1000);
  const y = Float64Array.from({ length }, (_, i) => Math.sin(i / 37) * Math.cos(i / 501) + (i % 97 === 0 ? 3 : 0));
  return { x, y };
}

const plain = (columns: { x: Float64Array; y: Float64Array }) => ({ x: [...columns.x], y: [...columns.y] });

describe('BucketDecimator', () => {
  it("keeps each bucket's lowest and highest point, in x order", () => {
    const x = Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
    const y = Float64Array.from([0, 5, -1, 2, 9, 1, 1, -4]);
    // Buckets of width 4 aligned to 0: [0, 4) and [4, 8).
    expect(plain(new BucketDecimator().update(x, y, 0, 8, 2))).toEqual({ x: [1, 2, 4, 7], y: [5, -1, 9, -4] });
  });

  it('keeps a NaN per bucket so the line shows the gap', () => {
    const x = Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
    const y = Float64Array.from([1, NaN, 2, 3, 4, NaN, NaN, 7]);
    const { x: xs, y: ys } = plain(new BucketDecimator().update(x, y, 0, 8, 2));
    expect(xs).toEqual([0, 1, 3, 4, 5, 7]);
    expect(ys.map((v) => (Number.isNaN(v) ? 'gap' : v))).toEqual([1, 'gap', 3, 4, 'gap', 7]);
  });

  it('brings a minute of 1 kHz samples down to at most three per bucket, extremes kept', () => {
    const { x, y } = series(60_000);
    const out = new BucketDecimator().update(x, y, 0, 60, 1000);
    expect(out.x.length).toBeLessThanOrEqual(3 * 1003);
    expect(Math.max(...out.y)).toBe(Math.max(...y));
    expect(Math.min(...out.y)).toBe(Math.min(...y));
    expect([...out.x].every((v, i, all) => i === 0 || v > all[i - 1]!)).toBe(true);
  });

  it('gives, frame after frame of a sliding window, what a fresh decimator gives', () => {
    const { x, y } = series(20_000);
    const incremental = new BucketDecimator();
    for (let end = 500; end <= x.length; end += 733) {
      const newest = x[end - 1]!;
      const window = { min: newest - 5, max: newest };
      const got = incremental.update(x.subarray(0, end), y.subarray(0, end), window.min, window.max, 400);
      const fresh = new BucketDecimator().update(x.subarray(0, end), y.subarray(0, end), window.min, window.max, 400);
      expect(plain(got)).toEqual(plain(fresh));
    }
  });

  it('forgets samples that left the store (the point budget) and starts afresh on a new width or a pan left', () => {
    const { x, y } = series(10_000);
    const decimator = new BucketDecimator();
    decimator.update(x, y, 0, 10, 100);
    const trimmed = decimator.update(x.subarray(5000), y.subarray(5000), 0, 10, 100);
    expect(Math.min(...trimmed.x)).toBeGreaterThanOrEqual(5);
    expect(plain(decimator.update(x, y, 0, 10, 200))).toEqual(plain(new BucketDecimator().update(x, y, 0, 10, 200)));
    decimator.update(x, y, 5, 10, 100);
    expect(plain(decimator.update(x, y, 2, 7, 100))).toEqual(plain(new BucketDecimator().update(x, y, 2, 7, 100)));
  });

  it('draws nothing for an empty series or an empty range', () => {
    const decimator = new BucketDecimator();
    expect(decimator.update(new Float64Array(0), new Float64Array(0), 0, 1, 10).x.length).toBe(0);
    const { x, y } = series(100);
    expect(decimator.update(x, y, 1, 1, 10).x.length).toBe(0);
  });
});
