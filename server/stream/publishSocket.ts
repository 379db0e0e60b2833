import type { WebSocket } from 'ws';
import type { ServerMessage } from '../../common/protocol.js';
import { closeCodeOf } from '../http/domainErrors.js';
import type { Channel } from './channel.js';
import { DomainError } from './errors.js';
import type { StreamHub } from './hub.js';
import { PacketError, publishChannel, readBinaryPacket, readJsonMessage, toPacket } from './ingest.js';

/**
 * One `/ws/publish` producer. It is told `{"type":"status","streaming":true,"channel"}` once accepted,
 * or gets `{"type":"error"}` and a close (1008, or 1013 at the channel limit) if refused. Each packet it
 * sends (JSON text or `.npy` bytes) goes to the channel's subscribers; a bad one is answered with an
 * error and the connection stays open. The channel's subscribers hear `status` when its first producer
 * arrives and its last one leaves.
 */
export function servePublisher(socket: WebSocket, hub: StreamHub, channelName: string | null): void {
  let channel: Channel;
  try {
    channel = publishChannel(hub, channelName);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    send(socket, { type: 'error', detail: err.message });
    socket.close(closeCodeOf(err), 'publish refused');
    return;
  }
  if (channel.publishers++ === 0) channel.broadcast({ type: 'status', streaming: true, channel: channel.name });
  hub.changed();
  send(socket, { type: 'status', streaming: true, channel: channel.name });
  socket.on('close', () => {
    if (--channel.publishers === 0) channel.broadcast({ type: 'status', streaming: false, channel: channel.name });
    hub.changed();
    hub.release(channel);
  });

  const refusals = new ThrottledRefusals((count) =>
    send(socket, {
      type: 'error',
      detail: `over the publish rate limit of ${channel.maxPublishRate} packets/s on channel ${channel.name}: ${count} packet(s) dropped`,
    }),
  );
  socket.on('close', () => refusals.stop());

  socket.on('message', (data, isBinary) => {
    const bytes = data as Buffer;
    try {
      const message = isBinary ? readBinaryPacket(bytes) : readJsonMessage(bytes.toString('utf8'));
      if (message.kind === 'ping') send(socket, { type: 'pong' });
      else if (channel.admit()) channel.publish(toPacket(channel, message));
      else refusals.refuse();
    } catch (err) {
      if (!(err instanceof PacketError)) throw err;
      send(socket, { type: 'error', detail: err.message });
    }
  });
}

function send(socket: WebSocket, message: ServerMessage): void {
  socket.send(JSON.stringify(message));
}

/** Reports refused packets at most once a second, with how many, so a flooding producer is not flooded back. */
class ThrottledRefusals {
  private count = 0;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(private readonly report: (count: number) => void) {}

  refuse(): void {
    this.count++;
    if (this.timer) return;
    this.flush();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.count > 0) this.flush();
    }, 1000);
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private flush(): void {
    const count = this.count;
    this.count = 0;
    this.report(count);
  }
}
