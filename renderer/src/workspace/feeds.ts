import type { ConnectionState, StreamSubscription } from '../../../client/index.js';
import type { ServerConnection } from '../app/serverConnection.js';
import type { ChannelStore } from './channelStore.js';
import { toSamplePacket } from './samplePacket.js';

export interface FeedState {
  state: ConnectionState;
  error: string;
  /** Packets the server dropped for this subscriber (it read too slowly). */
  dropped: number;
}

/**
 * One live subscription per channel that any panel shows, feeding the one store. Each asks for the
 * channel's recent history (lookback), so a panel opened in the middle of a run is full at once.
 * Channels no panel shows any more are unsubscribed and forgotten.
 */
export class ChannelFeeds {
  private readonly subscriptions = new Map<string, { subscription: StreamSubscription; state: FeedState }>();
  /** The last sample time of each channel, for packets that come without `t`. */
  private readonly lastTime = new Map<string, number>();
  /** Packets received over all channels, paused or not. */
  packets = 0;

  constructor(
    private readonly server: ServerConnection,
    private readonly store: ChannelStore,
    private readonly onChange: () => void,
    /** Seconds of history to ask for: what the window shows. */
    private readonly lookbackSeconds: () => number,
  ) {
    server.addEventListener('change', () => {
      const channels = [...this.subscriptions.keys()];
      this.closeAll();
      this.want(channels);
    });
  }

  /** Subscribes to `channels` and unsubscribes from the rest. */
  want(channels: Iterable<string>): void {
    const wanted = new Set(channels);
    for (const [channel, { subscription }] of this.subscriptions) {
      if (wanted.has(channel)) continue;
      subscription.close();
      this.subscriptions.delete(channel);
      this.store.remove(channel);
      this.lastTime.delete(channel);
    }
    for (const channel of wanted) if (!this.subscriptions.has(channel)) this.subscribe(channel);
  }

  states(): Map<string, FeedState> {
    return new Map([...this.subscriptions].map(([channel, { state }]) => [channel, state]));
  }

  closeAll(): void {
    for (const { subscription } of this.subscriptions.values()) subscription.close();
    this.subscriptions.clear();
  }

  private subscribe(channel: string): void {
    const state: FeedState = { state: 'connecting', error: '', dropped: 0 };
    const entry = { state } as { subscription: StreamSubscription; state: FeedState };
    // Callbacks of a closed subscription can still fire while its socket closes: ignore them.
    const current = () => this.subscriptions.get(channel) === entry;
    entry.subscription = this.server.client.stream({
      channel,
      binary: true,
      lookback: this.lookbackSeconds(),
      onData: (data) => {
        if (!current()) return;
        // A reconnect asks for history again: what the store already has is not appended twice.
        const lastSeq = this.store.get(channel)?.lastSeq;
        if (data.history && lastSeq != null && data.seq <= lastSeq) return;
        const packet = toSamplePacket(data, this.lastTime.get(channel));
        if (packet.n > 0) this.lastTime.set(channel, packet.t[packet.n - 1]!);
        this.store.append(packet);
        this.packets++;
      },
      onDropped: (message) => current() && (state.dropped += message.count),
      onError: (detail) => current() && (state.error = detail),
      onConnection: (connection, info) => {
        if (!current()) return;
        state.state = connection;
        if (connection === 'open') state.error = '';
        else if (connection === 'closed' && info.reason) state.error = info.reason;
        this.onChange();
      },
    });
    this.subscriptions.set(channel, entry);
  }
}
