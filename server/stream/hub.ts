import { DEMO_CHANNEL, type ChannelInfo } from '../../common/protocol.js';
import type { Now } from '../schedule.js';
import { Channel } from './channel.js';
import { DemoSource, type DemoOptions } from './demo.js';

export interface HubOptions extends DemoOptions {
  /** Most channels that may exist at once, the demo channel included. */
  readonly maxChannels: number;
  /** Most packets per second the producers of one channel may publish together. */
  readonly maxPublishRate: number;
  readonly now?: Now;
}

export const CHANNEL_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
export const CHANNEL_NAME_RULE = 'channel names are 1-64 characters of A-Z a-z 0-9 _ . -';

export class ChannelLimitError extends Error {}

/** All channels by name; the demo channel always exists, others are created by their first user. */
export class StreamHub {
  private readonly channels = new Map<string, Channel>();
  readonly demo: DemoSource;

  constructor(private readonly options: HubOptions) {
    const demoChannel = new Channel(DEMO_CHANNEL);
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
      channel = new Channel(name, this.options.maxPublishRate, this.options.now);
      this.channels.set(name, channel);
    }
    return channel;
  }

  /** Forgets a channel nobody uses any more, so abandoned names do not count against the limit. */
  release(channel: Channel): void {
    if (channel.name !== DEMO_CHANNEL && channel.subscribers.size === 0 && channel.publishers === 0) {
      this.channels.delete(channel.name);
    }
  }

  isStreaming(channel: Channel): boolean {
    return channel.name === DEMO_CHANNEL ? this.demo.streaming : channel.publishers > 0;
  }

  list(): ChannelInfo[] {
    return [...this.channels.values()].map((c) => c.describe(this.isStreaming(c)));
  }

  close(): void {
    if (this.demo.streaming) this.demo.stop();
  }
}
