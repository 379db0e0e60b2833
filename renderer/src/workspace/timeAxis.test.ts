import { describe, expect, it } from 'vitest';
import { TimeAxis, clockTime, formatX, relativeTime } from './timeAxis.js';

describe('time formats', () => {
  it('writes readable times, never raw Unix seconds', () => {
    const t = new Date(2026, 0, 2, 13, 4, 5, 678).getTime() / 1000;
    expect(clockTime(t)).toBe('13:04:05.678');
    expect(relativeTime(t + 1.25, t, 0.01)).toBe('1.25 s');
    expect(formatX(t, { mode: 'time', format: 'relative', window: { size: 1, unit: 's' }, zero: t - 3 }, 1)).toBe('3 s');
    expect(formatX(1234.4, { mode: 'index', format: 'relative', window: { size: 1, unit: 's' } })).toBe('1234');
  });
});

describe('TimeAxis', () => {
  it('follows the newest sample until a zoom or pan, and returns on followLatest', () => {
    const axis = new TimeAxis({ window: { size: 10, unit: 's' } });
    axis.advance(100, 1000);
    expect(axis.visible()).toEqual({ min: 90, max: 100 });
    axis.zoom(0.5, 100);
    expect(axis.follow).toBe(false);
    expect(axis.visible()).toEqual({ min: 95, max: 100 });
    axis.advance(110, 1000);
    expect(axis.visible()).toEqual({ min: 95, max: 100 });
    axis.pan(-0.2);
    expect(axis.visible()).toEqual({ min: 94, max: 99 });
    axis.followLatest();
    expect(axis.visible()).toEqual({ min: 100, max: 110 });
  });

  it('freezes while paused; a window in points becomes seconds at the fastest rate', () => {
    const axis = new TimeAxis({ window: { size: 5000, unit: 'pts' } });
    axis.advance(100, 1000);
    expect(axis.visible()).toEqual({ min: 95, max: 100 });
    axis.setPaused(true);
    axis.advance(120, 1000);
    expect(axis.visible().max).toBe(100);
  });
});
