import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatShape, formatTimestamp, formatValue } from './format.js';

describe('format', () => {
  it('prints shapes as numpy does', () => {
    expect([[], [1000], [2, 3], [2, 3, 4]].map(formatShape)).toEqual(['()', '(1000,)', '(2, 3)', '(2, 3, 4)']);
  });

  it('prints sizes in binary units', () => {
    expect([0, 1023, 8128, 5 * 1024 ** 2, 3.5 * 1024 ** 3].map(formatBytes)).toEqual(['0 B', '1023 B', '7.94 KiB', '5.00 MiB', '3.50 GiB']);
  });

  it('prints values with six significant digits', () => {
    expect([0, 1 / 3, -1234.56789, 0.00123, 1e7, -2.19346e-4, NaN, -Infinity].map(formatValue)).toEqual([
      '0',
      '0.333333',
      '-1234.57',
      '0.00123',
      '1.0000e+7',
      '-2.1935e-4',
      'NaN',
      '-Infinity',
    ]);
  });

  it('prints counts with separators', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
  });

  it('prints timestamps in local time and leaves junk alone', () => {
    const local = new Date(2025, 10, 24, 9, 5, 3).toISOString();
    expect(formatTimestamp(local)).toBe('2025-11-24 09:05:03');
    expect(formatTimestamp(local, { seconds: false })).toBe('2025-11-24 09:05');
    expect(formatTimestamp('soon')).toBe('soon');
  });
});
