import { lowerBound } from '../data/sorted.js';
import { Column } from './columns.js';
import type { SamplePacket } from './samplePacket.js';

/** One series of one channel, as panels and layouts name it. */
export interface SeriesRef {
  channel: string;
  series: number;
}

export function seriesKey({ channel, series }: SeriesRef): string {
  return `${channel}[${series}]`;
}

/** The samples kept for one channel: times, indices and k series, oldest first, contiguous. */
export class ChannelBuffer {
  readonly t: Column;
  readonly index: Column;
  values: Column[] = [];
  names: string[] = [];
  units: string[] = [];
  packets = 0;
  lastSeq: number | null = null;
  /** Samples dropped to stay within the point budget since the channel appeared. */
  trimmed = 0;
  /** The latest packet's shape and values (for the image panel), kept as received. */
  latest?: SamplePacket;

  constructor(
    readonly name: string,
    private capacity: number,
  ) {
    this.t = new Column(capacity);
    this.index = new Column(capacity);
  }

  get seriesCount(): number {
    return this.values.length;
  }

  get length(): number {
    return this.t.length;
  }

  append(packet: SamplePacket): void {
    // A change in the number of series is a new signal: start afresh rather than misalign columns.
    if (packet.series !== this.values.length) {
      this.t.clear();
      this.index.clear();
      this.values = Array.from({ length: packet.series }, () => new Column(this.capacity));
    }
    const { n } = packet;
    const stride = packet.y.length / packet.series;
    this.trimmed += this.t.append(packet.t, 0, n);
    this.index.append(packet.index, 0, n);
    this.values.forEach((column, s) => column.append(packet.y, s * stride, n));
    if (packet.names) this.names = packet.names;
    if (packet.units) this.units = packet.units.length === 1 ? Array<string>(packet.series).fill(packet.units[0]!) : packet.units;
    this.packets++;
    this.lastSeq = packet.seq;
    this.latest = packet;
  }

  resize(capacity: number): void {
    this.capacity = capacity;
    this.trimmed += this.t.resize(capacity);
    this.index.resize(capacity);
    for (const column of this.values) column.resize(capacity);
  }

  /** A series' display name: the producer's, else `y[s]` (or `y` for a lone series). */
  seriesName(series: number): string {
    return this.names[series] || (this.seriesCount > 1 ? `y[${series}]` : 'y');
  }

  seriesUnit(series: number): string {
    return this.units[series] ?? '';
  }
}

export type XMode = 'time' | 'index';

export { lowerBound };

/** Indices [from, to) of a channel's samples whose x lies in [min, max] (one more each side, so lines reach the edges). */
export function rangeIndices(x: Float64Array, min: number, max: number, margin = 1): { from: number; to: number } {
  const from = Math.max(0, lowerBound(x, min) - margin);
  const to = Math.min(x.length, lowerBound(x, max + Number.EPSILON * Math.abs(max)) + margin);
  return { from, to: Math.max(from, to) };
}

/** Index of the sample whose x is nearest `value` (-1 when there are none). */
export function nearestIndex(x: Float64Array, value: number): number {
  if (x.length === 0) return -1;
  const i = lowerBound(x, value);
  if (i === 0) return 0;
  if (i === x.length) return x.length - 1;
  return value - x[i - 1]! <= x[i]! - value ? i - 1 : i;
}

/**
 * Pairs two series by time for an XY plot: each sample of `a` in [from, to] with the sample of `b`
 * nearest in time (within `tolerance` seconds). Same-channel series pair sample by sample.
 */
export function pairByTime(
  a: { t: Float64Array; values: Float64Array },
  b: { t: Float64Array; values: Float64Array },
  from: number,
  to: number,
  tolerance: number,
): { x: Float64Array; y: Float64Array } {
  const { from: start, to: end } = rangeIndices(a.t, from, to, 0);
  // At most one pair per sample of a: filled in place (an XY panel pairs its whole trail every frame).
  const x = new Float64Array(Math.max(0, end - start));
  const y = new Float64Array(x.length);
  let n = 0;
  let j = Math.max(0, lowerBound(b.t, a.t[start] ?? 0) - 1);
  for (let i = start; i < end; i++) {
    const time = a.t[i]!;
    while (j + 1 < b.t.length && Math.abs(b.t[j + 1]! - time) <= Math.abs(b.t[j]! - time)) j++;
    if (j < b.t.length && Math.abs(b.t[j]! - time) <= tolerance) {
      x[n] = a.values[i]!;
      y[n++] = b.values[j]!;
    }
  }
  return { x: x.subarray(0, n), y: y.subarray(0, n) };
}

/**
 * The workspace's one data store: every channel any panel shows, with a total point budget
 * (samples × series over all channels) shared evenly among series. A channel that hits its share
 * drops its oldest samples and counts them, so the workspace can say so.
 */
export class ChannelStore extends EventTarget {
  private readonly channels = new Map<string, ChannelBuffer>();
  /** Bumped on every append: panels redraw only when it moved. */
  version = 0;

  constructor(private budget: number) {
    super();
  }

  get pointBudget(): number {
    return this.budget;
  }

  get(channel: string): ChannelBuffer | undefined {
    return this.channels.get(channel);
  }

  all(): ChannelBuffer[] {
    return [...this.channels.values()];
  }

  /** Points kept now, over all channels and series. */
  get pointsKept(): number {
    let total = 0;
    for (const channel of this.channels.values()) total += channel.length * channel.seriesCount;
    return total;
  }

  append(packet: SamplePacket): void {
    let channel = this.channels.get(packet.channel);
    const before = this.totalSeries();
    const after = before - (channel?.seriesCount ?? 0) + packet.series;
    // Make room before appending, so a new series never pushes the total over the budget.
    if (after !== before) this.rebalance(after);
    if (!channel) {
      channel = new ChannelBuffer(packet.channel, this.capacityFor(after));
      this.channels.set(packet.channel, channel);
    }
    channel.append(packet);
    this.version++;
    this.dispatchEvent(new CustomEvent<SamplePacket>('packet', { detail: packet }));
  }

  /** Forgets every channel (a recording's playback starts afresh, or hands back to live): emits `reset`. */
  clear(): void {
    this.channels.clear();
    this.version++;
    this.dispatchEvent(new Event('reset'));
  }

  /** Forgets a channel no panel shows any more. */
  remove(channel: string): void {
    if (this.channels.delete(channel)) this.rebalance();
  }

  setBudget(budget: number): void {
    this.budget = budget;
    this.rebalance();
  }

  /** Samples each channel may keep: the budget shared evenly among all series. */
  capacityPerSeries(): number {
    return this.capacityFor(this.totalSeries());
  }

  private capacityFor(totalSeries: number): number {
    return Math.max(1, Math.floor(this.budget / Math.max(1, totalSeries)));
  }

  private totalSeries(): number {
    let total = 0;
    for (const channel of this.channels.values()) total += channel.seriesCount;
    return total;
  }

  private rebalance(totalSeries = this.totalSeries()): void {
    const capacity = this.capacityFor(totalSeries);
    for (const channel of this.channels.values()) channel.resize(capacity);
  }
}
