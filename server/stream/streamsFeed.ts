import type { WebSocket } from 'ws';
import type { StreamsMessage } from '../../common/protocol.js';
import type { StreamHub } from './hub.js';

const MIN_INTERVAL_MS = 250;
const ACTIVE_INTERVAL_MS = 1000;

/** The channel list with each channel's recent values. */
export function streamsMessage(hub: StreamHub): StreamsMessage {
  return {
    type: 'streams',
    streams: hub.all().map((channel) => ({ ...channel.describe(hub.isStreaming(channel)), sparkline: channel.recentValues() })),
  };
}

/**
 * One `/ws/streams` client: the channel list on connect, then again whenever channels change (at most 4 times
 * a second) and at least once a second while any channel is streaming. Anything the client sends is ignored.
 */
export function serveStreamsFeed(socket: WebSocket, hub: StreamHub): void {
  let dirty = false;
  let lastSent = 0;
  const send = () => {
    dirty = false;
    lastSent = performance.now();
    socket.send(JSON.stringify(streamsMessage(hub)));
  };
  const stopListening = hub.onChange(() => (dirty = true));
  const timer = setInterval(() => {
    const streaming = hub.all().some((channel) => hub.isStreaming(channel));
    if (dirty || (streaming && performance.now() - lastSent >= ACTIVE_INTERVAL_MS - MIN_INTERVAL_MS / 2)) send();
  }, MIN_INTERVAL_MS);
  socket.on('close', () => {
    clearInterval(timer);
    stopListening();
  });
  send();
}
