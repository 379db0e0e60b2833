import { describe, expect, it } from 'vitest';
import type { StreamData, StreamOptions } from '../../../client/index.js';
import type { ServerConnection } from '../app/serverConnection.js';
import { ChannelStore } from './channelStore.js';
import { ChannelFeeds } from './feeds.js';

/** A server connection whose subscriptions the test drives by hand. */
function fakeServer(): { server: ServerConnection; subscriptions: StreamOptions[] } {
  const subscriptions: StreamOptions[] = [];
  const client = {
    stream: (options: StreamOptions) => {
      subscriptions.push(options);
      return { close: () => {} };
    },
  };
  return { server: Object.assign(new EventTarget(), { client }) as unknown as ServerConnection, subscriptions };
}

function packet(seq: number, history: boolean): StreamData {
  const n = 4;
  return {
    channel: 'imu',
    seq,
    timestamp: 100 + seq,
    x: Float64Array.from({ length: n }, (_, i) => seq * n + i),
    y: Float64Array.from({ length: n }, (_, i) => seq * n + i),
    shape: [n],
    dtype: 'float64',
    t: Float64Array.from({ length: n }, (_, i) => 100 + seq + i / n),
    history,
  };
}

describe('ChannelFeeds', () => {
  it('asks for the window as lookback, and a reconnect’s history adds nothing the store holds', () => {
    const { server, subscriptions } = fakeServer();
    const store = new ChannelStore(1_000);
    let window = 30;
    const feeds = new ChannelFeeds(
      server,
      store,
      () => {},
      () => window,
    );
    feeds.want(['imu']);
    expect(subscriptions.map((s) => [s.channel, s.lookback])).toEqual([['imu', 30]]);
    const { onData } = subscriptions[0]!;
    for (let seq = 0; seq < 3; seq++) onData!(packet(seq, true));
    onData!(packet(3, false));
    // The connection dropped and came back: the history again (seq 1 to 3), then seq 4 live.
    for (let seq = 1; seq < 4; seq++) onData!(packet(seq, true));
    onData!(packet(4, false));
    const imu = store.get('imu')!;
    expect([imu.packets, imu.lastSeq, imu.length]).toEqual([5, 4, 20]);
    expect(Array.from(imu.values[0]!.view())).toEqual(Array.from({ length: 20 }, (_, i) => i));

    window = 5;
    feeds.want(['imu', 'wave']);
    expect(subscriptions.map((s) => [s.channel, s.lookback])).toEqual([
      ['imu', 30],
      ['wave', 5],
    ]);
  });
});
