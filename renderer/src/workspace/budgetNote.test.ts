import { describe, expect, it } from 'vitest';
import { budgetNote } from './budgetNote.js';
import { ChannelStore } from './channelStore.js';
import type { SamplePacket } from './samplePacket.js';

/** One second of `channel` at 100 Hz starting at time `second`, one series. */
function second(channel: string, at: number): SamplePacket {
  const t = Float64Array.from({ length: 100 }, (_, i) => at + i / 100);
  const index = Float64Array.from({ length: 100 }, (_, i) => at * 100 + i);
  return { channel, seq: at, t, index, y: new Float64Array(100), series: 1, n: 100, shape: [100] };
}

describe('budgetNote', () => {
  it('says which channels the point budget trimmed inside the visible range, and says nothing otherwise', () => {
    const store = new ChannelStore(1_000);
    for (let s = 0; s < 5; s++) store.append(second('a', s));
    // 500 points kept of a budget of 1,000: nothing trimmed.
    expect(budgetNote(store, 'time', 0)).toBe('');
    for (let s = 5; s < 20; s++) store.append(second('a', s));
    // The newest 1,000 samples (10 s) are kept: a 20 s window misses 10 s of them, a 5 s window misses none.
    expect(budgetNote(store, 'time', 0)).toBe('point budget: a keeps only the newest 1,000 samples');
    expect(budgetNote(store, 'time', 15)).toBe('');
    expect(budgetNote(store, 'index', 0)).toContain('a keeps');
    store.append(second('b', 19));
    expect(budgetNote(store, 'time', 0)).toBe('point budget: a keeps only the newest 500 samples');
  });
});
