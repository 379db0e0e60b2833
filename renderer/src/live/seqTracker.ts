/**
 * Counts packets and what went missing between them. The server numbers each channel's packets;
 * when it drops packets for a slow reader it says so (`onDropped`) before the next one, so a gap
 * that notice explains is "dropped", and any other gap (e.g. while reconnecting) is "lost".
 */
export class SeqTracker {
  packets = 0;
  lost = 0;
  dropped = 0;
  lastSeq: number | null = null;
  private unexplainedDrops = 0;

  packet(seq: number): void {
    this.packets++;
    if (this.lastSeq !== null && seq > this.lastSeq + 1) {
      const gap = seq - this.lastSeq - 1;
      const explained = Math.min(gap, this.unexplainedDrops);
      this.unexplainedDrops -= explained;
      this.lost += gap - explained;
    }
    // A smaller seq means the server restarted its numbering: a new baseline, nothing lost.
    this.lastSeq = seq;
  }

  droppedByServer(count: number): void {
    this.dropped += count;
    this.unexplainedDrops += count;
  }

  reset(): void {
    this.packets = this.lost = this.dropped = this.unexplainedDrops = 0;
    this.lastSeq = null;
  }
}
