import type { ChannelInfo, ServerMessage } from '../../common/protocol.js';
import { type Now, monotonicNow } from '../schedule.js';
import { EncodedPacket, type StreamPacket } from './packet.js';
import { RateLimiter } from './rateLimit.js';
import type { Subscriber } from './subscriber.js';

const RATE_WINDOW = 64;

/** A named stream: packets from its producer fanned out to every subscriber, encoded once each. */
export class Channel {
  readonly subscribers = new Set<Subscriber>();
  publishers = 0;
  private seq = 0;
  private nextSample = 0;
  private last?: StreamPacket;
  private readonly arrivals: number[] = [];

  private readonly limiter: RateLimiter;

  constructor(
    readonly name: string,
    maxPublishRate = Infinity,
    private readonly now: Now = monotonicNow,
  ) {
    this.limiter = new RateLimiter(maxPublishRate, now);
  }

  /** Whether producers may publish one more packet now without exceeding the channel's rate limit. */
  admit(): boolean {
    return this.limiter.tryTake();
  }

  get maxPublishRate(): number {
    return this.limiter.rate;
  }

  /** Sends the packet to every subscriber; returns its sequence number. */
  publish(packet: StreamPacket): number {
    this.last = packet;
    this.arrivals.push(this.now());
    if (this.arrivals.length > RATE_WINDOW) this.arrivals.shift();
    const encoded = new EncodedPacket(packet, this.name, this.seq++);
    for (const subscriber of this.subscribers) subscriber.deliver(encoded);
    return encoded.seq;
  }

  /** x for n samples from a producer that sent none: the channel's running sample index, continued across producers. */
  sampleIndices(n: number): Float64Array {
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = this.nextSample + i;
    this.nextSample += n;
    return x;
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

  describe(streaming: boolean): ChannelInfo {
    const y = this.last?.y.header;
    return {
      name: this.name,
      dtype: y?.dtype.str ?? null,
      shape: y ? [...y.shape] : null,
      rate: Math.round(this.rate() * 100) / 100,
      subscribers: this.subscribers.size,
      publishers: this.publishers,
      streaming,
      last_timestamp: this.last?.timestamp ?? null,
      packets: this.seq,
    };
  }
}
