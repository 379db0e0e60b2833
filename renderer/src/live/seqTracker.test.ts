import { describe, expect, it } from 'vitest';
import { SeqTracker } from './seqTracker.js';

describe('SeqTracker', () => {
  it('counts gaps in seq as lost', () => {
    const tracker = new SeqTracker();
    for (const seq of [10, 11, 14, 15, 20]) tracker.packet(seq);
    expect(tracker).toMatchObject({ packets: 5, lost: 6, dropped: 0, lastSeq: 20 });
  });

  it('does not count the start of a subscription or a restarted server as lost', () => {
    const tracker = new SeqTracker();
    tracker.packet(500);
    tracker.packet(0);
    tracker.packet(1);
    expect(tracker.lost).toBe(0);
  });

  it('counts gaps the server announced as dropped, not lost', () => {
    const tracker = new SeqTracker();
    tracker.packet(1);
    tracker.droppedByServer(3);
    tracker.packet(5);
    tracker.packet(8);
    expect(tracker).toMatchObject({ dropped: 3, lost: 2 });
  });

  it('resets', () => {
    const tracker = new SeqTracker();
    tracker.packet(1);
    tracker.packet(3);
    tracker.reset();
    tracker.packet(9);
    expect(tracker).toMatchObject({ packets: 1, lost: 0, lastSeq: 9 });
  });
});
