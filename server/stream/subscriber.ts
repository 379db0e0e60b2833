import type { DroppedMessage, ServerMessage } from '../../common/protocol.js';
import type { EncodedPacket, LiveMessages, WireMessage } from './packet.js';

/** The part of a WebSocket a subscriber needs; `ws`'s WebSocket satisfies it. */
export interface MessageSocket {
  send(data: string | Uint8Array, options?: { binary?: boolean; fin?: boolean }, done?: (err?: Error) => void): void;
  readonly bufferedAmount: number;
}

/**
 * One client receiving a channel. A client that reads slower than the channel produces would
 * buffer without bound; a packet that would take its queue past `maxBufferedBytes` is dropped and counted instead,
 * and it is told how many before the next packet it does get. History packets, sent once on joining,
 * are not dropped: the lookback limits already bound them.
 */
export class Subscriber {
  dropped = 0;
  delivered = 0;

  constructor(
    readonly socket: MessageSocket,
    readonly channel: string,
    private readonly maxBufferedBytes: number,
    public binary = false,
  ) {}

  deliver(live: LiveMessages): void {
    const message = live.get(this.binary);
    // The packet counts against the limit before it is queued; one bigger than the limit goes only to an idle socket.
    const queued = this.socket.bufferedAmount;
    if (queued > 0 && queued + message.byteLength > this.maxBufferedBytes) {
      this.dropped++;
      return;
    }
    if (this.dropped > 0) {
      const notice: DroppedMessage = { type: 'dropped', channel: this.channel, count: this.dropped };
      this.socket.send(JSON.stringify(notice));
      this.dropped = 0;
    }
    this.sendParts(message);
  }

  deliverHistory(packet: EncodedPacket): void {
    const message = packet.message(this.binary, true);
    this.sendParts(message);
    message.release();
  }

  send(message: ServerMessage): void {
    this.socket.send(JSON.stringify(message));
  }

  /**
   * The message's parts as the fragments of one message, all queued at once so nothing comes between them;
   * held until the last is written (or the socket has closed), which is when every earlier one is too.
   */
  private sendParts(message: WireMessage): void {
    const { binary, parts } = message;
    const last = parts.length - 1;
    message.hold();
    for (let i = 0; i < last; i++) this.socket.send(parts[i]!, { binary, fin: false });
    this.socket.send(parts[last]!, { binary, fin: true }, () => message.release());
    this.delivered++;
  }
}
