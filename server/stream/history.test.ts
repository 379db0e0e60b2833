import { describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy } from '../../common/npy/codec.js';
import { dtypeFromName } from '../../common/npy/dtype.js';
import { ChannelHistory, HistoryBudget } from './history.js';
import { EncodedPacket, float64Array } from './packet.js';

function packet(seq: number, arrival: number, samples = 100): EncodedPacket {
  const values = new Float64Array(samples);
  return new EncodedPacket({ timestamp: 0, x: values, t: values, y: float64Array(values, [samples]) }, 'c', seq, arrival);
}

/** A message's bytes, as a subscriber would receive them. */
function wire(packet: EncodedPacket, binary: boolean, history: boolean): Buffer {
  const message = packet.message(binary, history);
  const bytes = Buffer.concat(message.parts);
  message.release();
  return bytes;
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

  it('gives back packets whose JSON and binary messages are the very bytes the originals make', () => {
    const int16 = dtypeFromName('int16');
    // (2, 3) int16 in Fortran order, forwarded as the producer's own .npy bytes, with names and units.
    const yNpy = encodeNpy({
      dtype: int16,
      shape: [2, 3],
      fortranOrder: true,
      data: new Uint8Array(new Int16Array([1, -2, 3, -4, 5, -6]).buffer),
    });
    const x = Float64Array.from([7, 8, 9]);
    const t = Float64Array.from([1.7e9 + 0.1, 1.7e9 + 0.2, 1.7e9 + 1 / 3]);
    const originals = [
      new EncodedPacket({ timestamp: 1.7e9 + 1 / 7, x, t, y: decodeNpy(yNpy), yNpy, names: ['a', 'b'], units: ['V', 'µA'] }, 'c', 41, 5),
      new EncodedPacket(
        { timestamp: -0, x: x.subarray(1), t: t.subarray(1), y: float64Array(Float64Array.from([Math.PI, -0]), [2]) },
        'c',
        42,
        6,
      ),
    ];
    const history = new ChannelHistory(new HistoryBudget({ seconds: 60, channelBytes: 2 ** 20, totalBytes: 2 ** 20 }));
    for (const original of originals) history.push(original);
    const kept = history.since(60, 6);
    expect(kept).toHaveLength(2);
    kept.forEach((copy, i) => {
      const original = originals[i]!;
      expect([copy.channel, copy.seq, copy.arrival, copy.bytes]).toEqual([
        original.channel,
        original.seq,
        original.arrival,
        original.bytes,
      ]);
      for (const binary of [false, true]) {
        for (const flagged of [false, true]) expect(wire(copy, binary, flagged)).toEqual(wire(original, binary, flagged));
      }
    });
  });

  it('holds memory in proportion to what it keeps, and none once empty', () => {
    const budget = new HistoryBudget({ seconds: 1, channelBytes: 2 ** 30, totalBytes: 2 ** 30 });
    const history = new ChannelHistory(budget);
    for (let i = 0; i < 20_000; i++) history.push(packet(i, i)); // 1 s at 1 kHz kept: the last 1,001 packets
    expect(history.since(1, 19_999)).toHaveLength(1001);
    expect(history.heldBytes).toBeGreaterThanOrEqual(history.bytes / 2);
    expect(history.heldBytes).toBeLessThanOrEqual(1.5 * history.bytes + 2 ** 20);
    budget.unregister(history);
    expect([history.bytes, history.heldBytes, budget.bytes]).toEqual([0, 0, 0]);
  });
});
