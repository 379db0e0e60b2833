import { describe, expect, it } from 'vitest';
import type { XRange } from '../charts/lineOptions.js';
import { wheelZoom, zoomedRange } from './xZoom.js';

describe('wheel zoom', () => {
  const expectRange = (range: XRange, min: number, max: number) => {
    expect(range.min).toBeCloseTo(min, 9);
    expect(range.max).toBeCloseTo(max, 9);
  };

  it('zooms in by 10 % per step around the pointer', () => {
    expectRange(zoomedRange({ min: 0, max: 100 }, wheelZoom(-100), 0.5), 5, 95);
    expectRange(zoomedRange({ min: 0, max: 100 }, wheelZoom(-100), 0), 0, 90);
  });

  it('zooms out by as much as a step in zoomed in', () => {
    const zoomedIn = zoomedRange({ min: 0, max: 100 }, wheelZoom(-100), 0.25);
    expectRange(zoomedRange(zoomedIn, wheelZoom(100), 0.25), 0, 100);
  });
});
