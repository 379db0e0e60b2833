import { describe, expect, it } from 'vitest';
import { RollingStats, rollingSeries } from './rollingStats.js';

function naive(values: number[], end: number, window: number) {
  const slice = values.slice(Math.max(0, end - window + 1), end + 1).filter(Number.isFinite);
  if (!slice.length) return { mean: NaN, std: NaN };
  const mean = slice.reduce((a, b) => a + b, 0) / slice.length;
  return { mean, std: Math.sqrt(slice.reduce((a, b) => a + (b - mean) ** 2, 0) / slice.length) };
}

describe('RollingStats', () => {
  it('matches a direct computation over every window, partial ones included', () => {
    const values = Array.from({ length: 500 }, (_, i) => Math.sin(i / 7) * 100 + (i % 13));
    const stats = new RollingStats(37);
    values.forEach((value, i) => {
      const got = stats.push(value);
      const want = naive(values, i, 37);
      expect(got.mean).toBeCloseTo(want.mean, 9);
      expect(got.std).toBeCloseTo(want.std, 9);
    });
  });

  it('stays accurate with a large offset over a long run', () => {
    const stats = new RollingStats(100);
    const values = Array.from({ length: 100_000 }, (_, i) => 1e6 + Math.sin(i));
    let last = { mean: 0, std: 0 };
    for (const value of values) last = stats.push(value);
    const want = naive(values, values.length - 1, 100);
    expect(last.mean).toBeCloseTo(want.mean, 6);
    expect(last.std).toBeCloseTo(want.std, 6);
  });

  it('skips NaN and infinities, and recovers once they leave the window', () => {
    const stats = new RollingStats(3);
    stats.push(1);
    expect(stats.push(NaN)).toEqual({ mean: 1, std: 0 });
    expect(stats.push(Infinity).mean).toBe(1);
    expect(stats.push(3)).toEqual({ mean: 3, std: 0 });
    stats.push(5);
    expect(stats.push(7)).toEqual({ mean: 5, std: Math.sqrt(8 / 3) });
  });

  it('is NaN while the window holds no finite value', () => {
    const stats = new RollingStats(2);
    expect(stats.push(NaN).mean).toBeNaN();
    expect(stats.current().std).toBeNaN();
  });
});

describe('rollingSeries', () => {
  it('gives the rolling statistics of a range, each window reaching back before the range', () => {
    const values = Array.from({ length: 300 }, (_, i) => Math.cos(i / 5) * 10 + (i % 7));
    const { mean, std } = rollingSeries(values, 25, 100, 180);
    expect(mean).toHaveLength(80);
    for (let i = 100; i < 180; i++) {
      const want = naive(values, i, 25);
      expect(mean[i - 100]).toBeCloseTo(want.mean, 9);
      expect(std[i - 100]).toBeCloseTo(want.std, 9);
    }
  });

  it('gives nothing for an empty range', () => {
    expect(rollingSeries([1, 2, 3], 2, 2, 2).mean).toHaveLength(0);
  });
});
