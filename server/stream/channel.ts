import type { ChannelInfo, ServerMessage } from '../../common/protocol.js';
import { realReader } from '../../common/npy/elements.js';
import { ChannelHistory, type HistoryBudget } from './history.js';
import { type Now, monotonicNow } from '../schedule.js';
import { EncodedPacket, LiveMessages, type StreamPacket } from './packet.js';
import { RateLimiter } from './rateLimit.js';
import type { Subscriber } from './subscriber.js';

const RATE_WINDOW = 64;
const SPARKLINE_LENGTH = 64;

/** What must outlive a channel object so that seq and sample index never restart during a server run. */
export interface ChannelCounters {
  seq: number;
  nextSample: number;
  /** Time of the last sample of the previous packet (seconds), for spreading the next packet's samples. */
  lastSampleTime?: number;
  names?: readonly string[];
  units?: readonly string[];
}

/** Anything besides subscribers that takes every packet of a channel (a recording). */
export interface PacketSink {
  receive(packet: EncodedPacket): void;
}

/** A named stream: packets from its producer fanned out to every subscriber, encoded once each, with a bounded history. */
export class Channel {
  readonly subscribers = new Set<Subscriber>();
  readonly sinks = new Set<PacketSink>();
  publishers = 0;
  /** What GET /streams tells of the last packet (not the packet: its data would outlive it here). */
  private last?: { readonly dtype: string; readonly shape: readonly number[]; readonly timestamp: number };
  private readonly arrivals: number[] = [];
  private readonly sparkline: (number | null)[] = [];
  private readonly history: ChannelHistory;
  private readonly limiter: RateLimiter;

  constructor(
    readonly name: string,
    budget: HistoryBudget,
    readonly counters: ChannelCounters = { seq: 0, nextSample: 0 },
    maxPublishRate = Infinity,
    private readonly now: Now = monotonicNow,
  ) {
    this.limiter = new RateLimiter(maxPublishRate, now);
    this.history = new ChannelHistory(budget);
  }

  /** Whether producers may publish one more packet now without exceeding the channel's rate limit. */
  admit(): boolean {
    return this.limiter.tryTake();
  }

  get maxPublishRate(): number {
    return this.limiter.rate;
  }

  get inUse(): boolean {
    return this.subscribers.size > 0 || this.publishers > 0 || this.sinks.size > 0;
  }

  /** Sends the packet to every subscriber and sink and keeps it for lookback; returns its sequence number. */
  publish(packet: StreamPacket): number {
    const arrival = this.now();
    this.last = { dtype: packet.y.header.dtype.str, shape: packet.y.header.shape, timestamp: packet.timestamp };
    this.arrivals.push(arrival);
    if (this.arrivals.length > RATE_WINDOW) this.arrivals.shift();
    this.sparkline.push(lastValueOfFirstSeries(packet));
    if (this.sparkline.length > SPARKLINE_LENGTH) this.sparkline.shift();
    const n = packet.t.length;
    this.counters.nextSample += n;
    this.counters.lastSampleTime = packet.t[n - 1];
    const encoded = new EncodedPacket(packet, this.name, this.counters.seq++, arrival);
    this.history.push(encoded);
    const live = new LiveMessages(encoded);
    for (const subscriber of this.subscribers) subscriber.deliver(live);
    live.release();
    for (const sink of this.sinks) sink.receive(encoded);
    return encoded.seq;
  }

  /**
   * Adds a subscriber, first sending it the packets of the last `lookbackSeconds` flagged as history.
   * Both happen in one synchronous step, so the first live packet follows the last history packet with no gap or duplicate.
   */
  join(subscriber: Subscriber, lookbackSeconds = 0): void {
    if (lookbackSeconds > 0) for (const packet of this.history.since(lookbackSeconds, this.now())) subscriber.deliverHistory(packet);
    this.subscribers.add(subscriber);
  }

  /** The packets of the last `seconds`, oldest first. */
  recent(seconds: number): EncodedPacket[] {
    return this.history.since(seconds, this.now());
  }

  /** Drops the history (the channel is being retired). */
  dropHistory(budget: HistoryBudget): void {
    budget.unregister(this.history);
  }

  /** x for n samples from a producer that sent none: the channel's running sample index, continued across producers. */
  sampleIndices(n: number): Float64Array {
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = this.counters.nextSample + i;
    return x;
  }

  /**
   * Each sample's time (seconds): `t` as given; else `timestamp + i / rate`; else spread evenly over the interval since
   * the previous packet's last sample, ending at `timestamp` or, without one, at `arrival`. A first packet's samples all get that end time.
   */
  sampleTimes(n: number, given: { t?: Float64Array; timestamp?: number; rate?: number }, arrival = Date.now() / 1000): Float64Array {
    if (given.t) return given.t;
    const t = new Float64Array(n);
    if (given.timestamp !== undefined && given.rate !== undefined) {
      for (let i = 0; i < n; i++) t[i] = given.timestamp + i / given.rate;
      return t;
    }
    const end = given.timestamp ?? arrival;
    const start = this.counters.lastSampleTime;
    if (start === undefined || !(start < end)) return t.fill(end);
    const step = (end - start) / n;
    for (let i = 0; i < n; i++) t[i] = start + (i + 1) * step;
    t[n - 1] = end;
    return t;
  }

  broadcast(message: ServerMessage): void {
    for (const subscriber of this.subscribers) subscriber.send(message);
  }

  /** Packets per second over the last few packets; 0 once the producer has been quiet for 2 s. */
  rate(): number {
    const n = this.arrivals.length;
    if (n < 2 || this.now() - this.arrivals[n - 1]! > 2000) return 0;
    return ((n - 1) * 1000) / (this.arrivals[n - 1]! - this.arrivals[0]!);
  }

  recentValues(): (number | null)[] {
    return [...this.sparkline];
  }

  describe(streaming: boolean): ChannelInfo {
    const last = this.last;
    return {
      name: this.name,
      dtype: last?.dtype ?? null,
      shape: last ? [...last.shape] : null,
      rate: Math.round(this.rate() * 100) / 100,
      subscribers: this.subscribers.size,
      publishers: this.publishers,
      streaming,
      last_timestamp: last?.timestamp ?? null,
      packets: this.counters.seq,
      names: this.counters.names ? [...this.counters.names] : null,
      units: this.counters.units ? [...this.counters.units] : null,
    };
  }
}

/** The last value of series 0 as a float64 number, or null when it is not finite (NaN, ±Inf) or complex. */
function lastValueOfFirstSeries({ y }: StreamPacket): number | null {
  const { dtype, shape } = y.header;
  if (dtype.kind === 'c') return null;
  const n = shape.at(-1)!;
  const view = new DataView(y.data.buffer, y.data.byteOffset, y.data.byteLength);
  const index = y.header.fortranOrder && shape.length === 2 ? (n - 1) * shape[0]! : n - 1;
  const value = Number(realReader(dtype)(view, index * dtype.itemsize));
  return Number.isFinite(value) ? value : null;
}
