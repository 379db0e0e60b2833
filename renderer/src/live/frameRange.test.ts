import { describe, expect, it } from 'vitest';
import type { LiveFrame } from './liveBuffer.js';
import { visibleIndices, xAccessor } from './frameRange.js';

const frame: LiveFrame = { firstSample: 100, x: new Float64Array([0.5, 1, 1.5, 2, 2.5]), series: [] };

describe('xAccessor', () => {
  it('gives the stream position or the sent x', () => {
    expect(xAccessor(frame, 'sample')(2)).toBe(102);
    expect(xAccessor(frame, 'x')(2)).toBe(1.5);
  });
});

describe('visibleIndices', () => {
  it('is everything without a range', () => {
    expect(visibleIndices(frame, 'x')).toEqual({ from: 0, to: 5 });
  });

  it('maps a sample range to indices, clamped to the frame', () => {
    expect(visibleIndices(frame, 'sample', { min: 100.5, max: 103 })).toEqual({ from: 1, to: 4 });
    expect(visibleIndices(frame, 'sample', { min: 0, max: 1e9 })).toEqual({ from: 0, to: 5 });
    expect(visibleIndices(frame, 'sample', { min: 200, max: 300 })).toEqual({ from: 5, to: 5 });
  });

  it('finds the points whose x is within an x range', () => {
    expect(visibleIndices(frame, 'x', { min: 0.9, max: 2 })).toEqual({ from: 1, to: 4 });
    expect(visibleIndices(frame, 'x', { min: 5, max: 6 })).toEqual({ from: 5, to: 5 });
  });
});
