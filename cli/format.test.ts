import { describe, expect, it } from 'vitest';
import { dtypeFromName } from '../common/npy/dtype.js';
import { formatTime, summarize } from './format.js';

describe('summarize', () => {
  it('says what the figures cover, as the app does', () => {
    expect(summarize(Float64Array.of(1, NaN, Infinity, -Infinity, 2, 3), dtypeFromName('float64'))).toBe(
      'min 1  max 3  mean 2  std 0.816497  (of 3 finite; 1 NaN, 1 +Inf, 1 -Inf)',
    );
    expect(summarize(new Float64Array(0), dtypeFromName('float64'))).toBe('empty');
    expect(summarize(Float64Array.of(NaN), dtypeFromName('float64'))).toBe('no finite values (1 NaN)');
    expect(summarize(Float32Array.of(3, 4, 0, 1), dtypeFromName('complex64'))).toMatch(/^\|z\|: min 1 {2}max 5/);
    expect(summarize(Uint8Array.of(1, 0, 1), dtypeFromName('bool'))).toBe('2 True, 1 False');
  });

  it('keeps the spread of 64-bit integers that one double cannot tell apart', () => {
    const top = 2n ** 64n - 1n;
    expect(summarize(BigUint64Array.of(top, top - 2n, top - 4n), dtypeFromName('uint64'))).toMatch(/ {2}std 1\.63299/);
  });
});

describe('formatTime', () => {
  it('prints Unix seconds as a readable UTC time with milliseconds', () => {
    expect(formatTime(1796180000.125)).toBe('2026-12-02T02:53:20.125Z');
  });
});
