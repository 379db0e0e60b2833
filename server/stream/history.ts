import { EncodedPacket } from './packet.js';

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

/** Fields of one kept packet in ChannelHistory's index. */
const ARRIVAL = 0;
const SIZE = 1;
const SLAB = 2;
const OFFSET = 3;
const LENGTH = 4;
/** Kept apart from the frame, whose JSON metadata would turn a timestamp of -0 into 0. */
const TIMESTAMP = 5;
const FIELDS = 6;

/** Bounds on a new slab's size (more only for a packet that needs more); in between, a quarter of what the history holds. */
const MIN_SLAB = 4 * 1024;
const MAX_SLAB = 2 ** 20;

/**
 * A channel's recent packets, oldest first, bounded by age and bytes. Each is kept as its binary frame, copied into a
 * few large buffers (slabs), with an index of plain numbers: kept as objects, the packets of the last minute would be
 * many small objects for every young-generation GC to copy, pausing a 1 kHz stream for milliseconds each time.
 */
export class ChannelHistory {
  /** FIELDS numbers per packet, oldest first from entry `head`. */
  private index: number[] = [];
  private head = 0;
  /** Oldest first; slabs[0] is slab number `firstSlab` (the index refers to slabs by number). */
  private slabs: Uint8Array[] = [];
  private firstSlab = 0;
  /** Bytes written into the last slab. */
  private used = 0;
  bytes = 0;

  constructor(private readonly budget: HistoryBudget) {
    budget.register(this);
  }

  push(packet: EncodedPacket): void {
    const size = packet.bytes;
    if (size > this.budget.limits.channelBytes) return;
    const parts = packet.binaryParts(false);
    let length = 0;
    for (const part of parts) length += part.byteLength;
    const offset = this.reserve(length);
    const slab = this.slabs[this.slabs.length - 1]!;
    let at = offset;
    for (const part of parts) {
      slab.set(part, at);
      at += part.byteLength;
    }
    this.index.push(packet.arrival, size, this.firstSlab + this.slabs.length - 1, offset, length, packet.packet.timestamp);
    this.bytes += size;
    this.budget.add(size);
    const { seconds, channelBytes } = this.budget.limits;
    const oldest = packet.arrival - seconds * 1000;
    while (this.size > 0 && (this.bytes > channelBytes || this.field(this.head, ARRIVAL) < oldest)) this.evictOldest();
  }

  /** Packets that arrived within the last `seconds` before `now` (ms), oldest first. */
  since(seconds: number, now: number): EncodedPacket[] {
    const from = now - seconds * 1000;
    const out: EncodedPacket[] = [];
    for (let i = this.head; i < this.entries; i++) {
      const arrival = this.field(i, ARRIVAL);
      if (arrival < from) continue;
      const offset = this.field(i, OFFSET);
      const frame = this.slabs[this.field(i, SLAB) - this.firstSlab]!.subarray(offset, offset + this.field(i, LENGTH));
      out.push(EncodedPacket.fromBinaryFrame(frame, arrival, this.field(i, TIMESTAMP)));
    }
    return out;
  }

  evictOldest(): void {
    if (this.size === 0) return;
    const size = this.field(this.head++, SIZE);
    this.bytes -= size;
    this.budget.remove(size);
    if (this.size === 0) {
      // Nothing kept: an idle channel holds no memory.
      this.index = [];
      this.head = 0;
      this.firstSlab += this.slabs.length;
      this.slabs = [];
      return;
    }
    const oldestSlab = this.field(this.head, SLAB);
    while (this.firstSlab < oldestSlab) {
      this.slabs.shift();
      this.firstSlab++;
    }
    // Compact now and then rather than shift() per packet.
    if (this.head > 1024 && this.head * 2 > this.entries) {
      this.index.splice(0, this.head * FIELDS);
      this.head = 0;
    }
  }

  clear(): void {
    while (this.size > 0) this.evictOldest();
  }

  /** The memory its slabs take, used or not. */
  get heldBytes(): number {
    let held = 0;
    for (const slab of this.slabs) held += slab.byteLength;
    return held;
  }

  /** Where the next `length` bytes go in the last slab, after adding a slab if they do not fit. */
  private reserve(length: number): number {
    const last = this.slabs[this.slabs.length - 1];
    if (!last || this.used + length > last.byteLength) {
      const size = Math.max(length, Math.min(MAX_SLAB, Math.max(MIN_SLAB, this.bytes >> 2)));
      // Not zeroed (only bytes written are ever read back): zeroing a fresh 1 MiB took milliseconds at times, all at once.
      this.slabs.push(Buffer.allocUnsafeSlow(size));
      this.used = 0;
    }
    const offset = this.used;
    this.used += length;
    return offset;
  }

  private field(entry: number, field: number): number {
    return this.index[entry * FIELDS + field]!;
  }

  private get entries(): number {
    return this.index.length / FIELDS;
  }

  private get size(): number {
    return this.entries - this.head;
  }
}
