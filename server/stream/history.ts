import type { EncodedPacket } from './packet.js';

/** Lookback limits: each channel keeps at most `seconds` and `channelBytes` of packets, all channels together `totalBytes`. */
export interface LookbackLimits {
  readonly seconds: number;
  readonly channelBytes: number;
  readonly totalBytes: number;
}

export const DEFAULT_LOOKBACK: LookbackLimits = { seconds: 60, channelBytes: 32 * 2 ** 20, totalBytes: 512 * 2 ** 20 };

/** The bytes all channels' histories hold together; when over the cap, the largest history gives up its oldest packets. */
export class HistoryBudget {
  private total = 0;
  private readonly histories = new Set<ChannelHistory>();

  constructor(readonly limits: LookbackLimits) {}

  register(history: ChannelHistory): void {
    this.histories.add(history);
  }

  unregister(history: ChannelHistory): void {
    history.clear();
    this.histories.delete(history);
  }

  add(bytes: number): void {
    this.total += bytes;
    while (this.total > this.limits.totalBytes) {
      let largest: ChannelHistory | undefined;
      for (const h of this.histories) if (!largest || h.bytes > largest.bytes) largest = h;
      if (!largest || largest.bytes === 0) break;
      largest.evictOldest();
    }
  }

  remove(bytes: number): void {
    this.total -= bytes;
  }

  get bytes(): number {
    return this.total;
  }
}

/** A channel's recent packets, oldest first, bounded by age and bytes. */
export class ChannelHistory {
  private readonly packets: EncodedPacket[] = [];
  private head = 0;
  bytes = 0;

  constructor(private readonly budget: HistoryBudget) {
    budget.register(this);
  }

  push(packet: EncodedPacket): void {
    const size = packet.bytes;
    if (size > this.budget.limits.channelBytes) return;
    this.packets.push(packet);
    this.bytes += size;
    this.budget.add(size);
    const { seconds, channelBytes } = this.budget.limits;
    const oldest = packet.arrival - seconds * 1000;
    while (this.size > 0 && (this.bytes > channelBytes || this.packets[this.head]!.arrival < oldest)) this.evictOldest();
  }

  /** Packets that arrived within the last `seconds` before `now` (ms), oldest first. */
  since(seconds: number, now: number): EncodedPacket[] {
    const from = now - seconds * 1000;
    const out: EncodedPacket[] = [];
    for (let i = this.head; i < this.packets.length; i++) if (this.packets[i]!.arrival >= from) out.push(this.packets[i]!);
    return out;
  }

  evictOldest(): void {
    const packet = this.packets[this.head];
    if (!packet) return;
    this.packets[this.head++] = undefined as unknown as EncodedPacket;
    this.bytes -= packet.bytes;
    this.budget.remove(packet.bytes);
    // Compact now and then rather than shift() per packet.
    if (this.head > 1024 && this.head * 2 > this.packets.length) {
      this.packets.splice(0, this.head);
      this.head = 0;
    }
  }

  clear(): void {
    while (this.size > 0) this.evictOldest();
  }

  private get size(): number {
    return this.packets.length - this.head;
  }
}
