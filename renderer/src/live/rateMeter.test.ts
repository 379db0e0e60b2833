import { describe, expect, it } from 'vitest';
import { RateMeter } from './rateMeter.js';

describe('RateMeter', () => {
  it('reports the rate over the last second', () => {
    const meter = new RateMeter();
    for (let t = 10_000; t < 12_000; t += 10) meter.add(5, t);
    expect(meter.perSecond(12_000)).toBeCloseTo(500);
    expect(meter.perSecond(12_050)).toBeCloseTo(450 / 0.95);
  });

  it('forgets events older than a second', () => {
    const meter = new RateMeter();
    meter.add(100, 5_000);
    expect(meter.perSecond(5_050)).toBeCloseTo(100 / 0.95);
    expect(meter.perSecond(6_200)).toBe(0);
    expect(meter.perSecond(60_000)).toBe(0);
  });

  it('resets', () => {
    const meter = new RateMeter();
    meter.add(3, 1_000);
    meter.reset();
    expect(meter.perSecond(1_000)).toBe(0);
  });
});
