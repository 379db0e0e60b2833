import { describe, expect, it } from 'vitest';
import { ChannelStore, nearestIndex, pairByTime, rangeIndices } from './channelStore.js';
import type { SamplePacket } from './samplePacket.js';
import { spreadSampleTimes } from './samplePacket.js';

/** A packet of `series` × n samples at `rate` Hz starting at time `start`, values = series * 1000 + sample index. */
function packet(channel: string, start: number, n: number, rate: number, firstIndex: number, series = 1): SamplePacket {
  const t = Float64Array.from({ length: n }, (_, i) => start + i / rate);
  const index = Float64Array.from({ length: n }, (_, i) => firstIndex + i);
  const y = Float64Array.from({ length: series * n }, (_, i) => Math.floor(i / n) * 1000 + firstIndex + (i % n));
  return { channel, seq: firstIndex / n, t, index, y, series, n, shape: series > 1 ? [series, n] : [n] };
}

describe('ChannelStore', () => {
  it('aligns channels of different rates by sample time', () => {
    const store = new ChannelStore(1_000_000);
    // a: 1 kHz from t = 100; b: 100 Hz from t = 100.5, two series.
    for (let p = 0; p < 20; p++) store.append(packet('a', 100 + p * 0.1, 100, 1000, p * 100));
    for (let p = 0; p < 10; p++) store.append(packet('b', 100.5 + p * 0.1, 10, 100, p * 10, 2));
    const a = store.get('a')!;
    const b = store.get('b')!;
    // The same instant in both: t = 101.0 is sample 1000 of a and sample 50 of b.
    const ia = nearestIndex(a.t.view(), 101);
    const ib = nearestIndex(b.t.view(), 101);
    expect(a.values[0]!.view()[ia]).toBe(1000);
    expect(b.values[0]!.view()[ib]).toBe(50);
    expect(b.values[1]!.view()[ib]).toBe(1050);
    // A time range picks each channel's own samples within it.
    const range = rangeIndices(b.t.view(), 100.6, 100.8, 0);
    expect(Array.from(b.t.view().subarray(range.from, range.to), (t) => Math.round(t * 100) / 100)).toEqual(
      Array.from({ length: 21 }, (_, i) => Math.round((100.6 + i / 100) * 100) / 100),
    );
  });

  it('keeps the total points within the budget, dropping the oldest and counting them', () => {
    const store = new ChannelStore(10_000);
    for (let p = 0; p < 100; p++) store.append(packet('a', p, 100, 100, p * 100));
    expect(store.get('a')!.length).toBe(10_000);
    expect(store.get('a')!.trimmed).toBe(0);
    store.append(packet('a', 100, 100, 100, 10_000));
    expect(store.get('a')!.trimmed).toBe(100);
    expect(store.get('a')!.index.view()[0]).toBe(100);
    // A second channel of 3 series: the budget is shared among 4 series, and the total stays within it.
    for (let p = 0; p < 50; p++) store.append(packet('b', p, 100, 100, p * 100, 3));
    expect(store.capacityPerSeries()).toBe(2_500);
    expect(store.pointsKept).toBeLessThanOrEqual(10_000);
    expect(store.get('a')!.length).toBe(2_500);
    // The newest samples survive the shrink.
    expect(store.get('a')!.index.view().at(-1)).toBe(10_099);
    expect(store.get('b')!.values[2]!.view().at(-1)).toBe(2000 + 4999);
  });

  it('starts a channel afresh when its number of series changes', () => {
    const store = new ChannelStore(1_000);
    store.append(packet('a', 0, 10, 10, 0));
    store.append(packet('a', 1, 10, 10, 10, 2));
    expect(store.get('a')!.seriesCount).toBe(2);
    expect(store.get('a')!.length).toBe(10);
  });
});

describe('pairByTime', () => {
  it('pairs each sample of one channel with the nearest in time of another', () => {
    // a at 10 Hz, b at 4 Hz offset by 0.01 s: b's value is 10 × its time.
    const a = { t: Float64Array.from({ length: 21 }, (_, i) => i / 10), values: Float64Array.from({ length: 21 }, (_, i) => i) };
    const bt = Float64Array.from({ length: 9 }, (_, i) => i / 4 + 0.01);
    const b = { t: bt, values: bt.map((t) => 10 * t) };
    const { x, y } = pairByTime(a, b, 0.5, 1.0, 0.065);
    // a's samples 5..10 at 0.5..1.0 s; b's nearest within 0.065 s: 0.51 (for 0.5), 0.76 (0.7, 0.8), 1.01 (1.0); 0.6 and 0.9 have none that close.
    expect(Array.from(x)).toEqual([5, 7, 8, 10]);
    expect(Array.from(y, (v) => Math.round(v * 10) / 10)).toEqual([5.1, 7.6, 7.6, 10.1]);
  });
});

describe('spreadSampleTimes', () => {
  it('spreads samples over the interval since the previous packet, ending at its timestamp', () => {
    expect(Array.from(spreadSampleTimes(10, 11, 4))).toEqual([10.25, 10.5, 10.75, 11]);
    expect(Array.from(spreadSampleTimes(undefined, 11, 3))).toEqual([11, 11, 11]);
  });
});
