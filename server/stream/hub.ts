import { DEMO_CHANNEL, type ChannelInfo } from '../../common/protocol.js';
import { Channel, type ChannelCounters, type PacketSink } from './channel.js';
import type { EncodedPacket } from './packet.js';
import type { Now } from '../schedule.js';
import { DemoSource, type DemoOptions } from './demo.js';
import { ChannelLimitError, ChannelNameError } from './errors.js';
import { DEFAULT_LOOKBACK, HistoryBudget, type LookbackLimits } from './history.js';

export interface HubOptions extends DemoOptions {
  /** Most channels that may exist at once, the demo channel included. */
  readonly maxChannels: number;
  /** Most packets per second the producers of one channel may publish together. */
  readonly maxPublishRate: number;
  readonly lookback?: LookbackLimits;
  readonly now?: Now;
}

export const CHANNEL_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
export const CHANNEL_NAME_RULE = 'channel names are 1-64 characters of A-Z a-z 0-9 _ . -';

/** Most retired channels whose counters are kept; beyond it the longest-unused are forgotten. */
const MAX_RETIRED = 100_000;

/** Throws ChannelNameError unless `name` is a valid channel name. */
export function checkChannelName(name: string | null | undefined): string {
  if (name === null || name === undefined) throw new ChannelNameError('say which channel: ?channel=NAME');
  if (!CHANNEL_NAME.test(name)) throw new ChannelNameError(CHANNEL_NAME_RULE);
  return name;
}

/**
 * All channels by name; the demo channel always exists, others are created by their first user. A channel nobody
 * uses any more is retired (it no longer counts against the limit, and its history is dropped) but its counters
 * are kept, so its seq and sample index continue if it comes back.
 */
export class StreamHub {
  private readonly channels = new Map<string, Channel>();
  private readonly retired = new Map<string, ChannelCounters>();
  private readonly listeners = new Set<() => void>();
  readonly budget: HistoryBudget;
  readonly demo: DemoSource;

  constructor(private readonly options: HubOptions) {
    this.budget = new HistoryBudget(options.lookback ?? DEFAULT_LOOKBACK);
    const demoChannel = new Channel(DEMO_CHANNEL, this.budget);
    this.channels.set(DEMO_CHANNEL, demoChannel);
    this.demo = new DemoSource(demoChannel, options);
  }

  /** The channel called `name`, created if new. Throws ChannelLimitError when no more may be made. */
  channel(name: string): Channel {
    let channel = this.channels.get(name);
    if (!channel) {
      if (this.channels.size >= this.options.maxChannels) {
        throw new ChannelLimitError(`too many channels (limit ${this.options.maxChannels})`);
      }
      const counters = this.retired.get(name);
      this.retired.delete(name);
      channel = new Channel(name, this.budget, counters, this.options.maxPublishRate, this.options.now);
      this.channels.set(name, channel);
      this.changed();
    }
    return channel;
  }

  /** The channel if it exists now, without creating it. */
  existing(name: string): Channel | undefined {
    return this.channels.get(name);
  }

  /** Retires a channel nobody uses any more, so abandoned names do not count against the limit. */
  release(channel: Channel): void {
    if (channel.name === DEMO_CHANNEL || channel.inUse || this.channels.get(channel.name) !== channel) return;
    this.channels.delete(channel.name);
    channel.dropHistory(this.budget);
    if (channel.counters.seq > 0) {
      this.retired.set(channel.name, channel.counters);
      if (this.retired.size > MAX_RETIRED) this.retired.delete(this.retired.keys().next().value!);
    }
    this.changed();
  }

  isStreaming(channel: Channel): boolean {
    return channel.name === DEMO_CHANNEL ? this.demo.streaming : channel.publishers > 0;
  }

  list(): ChannelInfo[] {
    return [...this.channels.values()].map((c) => c.describe(this.isStreaming(c)));
  }

  all(): Channel[] {
    return [...this.channels.values()];
  }

  /** Sends every future packet of `name` to `sink` (creating the channel) until the returned function is called. */
  attach(name: string, sink: PacketSink): () => void {
    const channel = this.channel(checkChannelName(name));
    channel.sinks.add(sink);
    return () => {
      channel.sinks.delete(sink);
      this.release(channel);
    };
  }

  /** The channel's packets of the last `seconds`, oldest first. */
  recent(name: string, seconds: number): EncodedPacket[] {
    return this.channels.get(name)?.recent(seconds) ?? [];
  }

  get lookbackSeconds(): number {
    return this.budget.limits.seconds;
  }

  /** Calls `listener` whenever a channel appears, disappears, or gains or loses a producer or subscriber. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    for (const listener of this.listeners) listener();
  }

  close(): void {
    if (this.demo.streaming) this.demo.stop();
  }
}
