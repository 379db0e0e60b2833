import { describe, expect, it } from 'vitest';
import { ChannelHistory, HistoryBudget } from './history.js';
import { EncodedPacket, float64Array } from './packet.js';

function packet(seq: number, arrival: number, samples = 100): EncodedPacket {
  const values = new Float64Array(samples);
  return new EncodedPacket({ timestamp: 0, x: values, t: values, y: float64Array(values, [samples]) }, 'c', seq, arrival);
}

describe('lookback history', () => {
  it('keeps the packets of the last `seconds`, oldest first', () => {
    const history = new ChannelHistory(new HistoryBudget({ seconds: 10, channelBytes: 2 ** 30, totalBytes: 2 ** 30 }));
    for (let i = 0; i < 30; i++) history.push(packet(i, i * 1000));
    expect(history.since(10, 29_000).map((p) => p.seq)).toEqual([19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    expect(history.since(2, 29_000).map((p) => p.seq)).toEqual([27, 28, 29]);
  });

  it('bounds each channel by bytes, and all channels together by evicting from the largest', () => {
    const size = packet(0, 0).bytes;
    const budget = new HistoryBudget({ seconds: 1e9, channelBytes: 10 * size, totalBytes: 15 * size });
    const [a, b] = [new ChannelHistory(budget), new ChannelHistory(budget)];
    for (let i = 0; i < 20; i++) a.push(packet(i, i));
    expect(a.since(1e9, 20).map((p) => p.seq)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    for (let i = 0; i < 8; i++) b.push(packet(i, i));
    expect(budget.bytes).toBeLessThanOrEqual(15 * size);
    expect(a.since(1e9, 20)).toHaveLength(7);
    expect(b.since(1e9, 20)).toHaveLength(8);
    budget.unregister(a);
    expect(budget.bytes).toBe(8 * size);
  });
});
