import type { DroppedMessage, ServerMessage } from '../../common/protocol.js';
import type { EncodedPacket } from './packet.js';

/** The part of a WebSocket a subscriber needs; `ws`'s WebSocket satisfies it. */
export interface MessageSocket {
  send(data: string | Uint8Array): void;
  readonly bufferedAmount: number;
}

/**
 * One client receiving a channel. A client that reads slower than the channel produces would
 * buffer without bound; past `maxBufferedBytes` its packets are dropped and counted instead,
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

  deliver(packet: EncodedPacket): void {
    if (this.socket.bufferedAmount > this.maxBufferedBytes) {
      this.dropped++;
      return;
    }
    if (this.dropped > 0) {
      const notice: DroppedMessage = { type: 'dropped', channel: this.channel, count: this.dropped };
      this.socket.send(JSON.stringify(notice));
      this.dropped = 0;
    }
    this.socket.send(this.binary ? packet.asBinary() : packet.asJson());
    this.delivered++;
  }

  deliverHistory(packet: EncodedPacket): void {
    this.socket.send(this.binary ? packet.asBinary(true) : packet.asJson(true));
    this.delivered++;
  }

  send(message: ServerMessage): void {
    this.socket.send(JSON.stringify(message));
  }
}
