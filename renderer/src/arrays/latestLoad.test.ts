import { afterEach, describe, expect, it, vi } from 'vitest';
import { LatestLoad } from './latestLoad.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('LatestLoad', () => {
  it('runs once after a burst of schedules, and aborts the load before it', async () => {
    vi.useFakeTimers();
    const signals: AbortSignal[] = [];
    const loads = new LatestLoad((signal) => {
      signals.push(signal);
      return Promise.resolve();
    });
    loads.schedule();
    loads.schedule();
    loads.schedule();
    await vi.runAllTimersAsync();
    expect(signals).toHaveLength(1);
    loads.schedule(0);
    await vi.runAllTimersAsync();
    expect(signals).toHaveLength(2);
    expect(signals[0]!.aborted).toBe(true);
    expect(signals[1]!.aborted).toBe(false);
  });
});
