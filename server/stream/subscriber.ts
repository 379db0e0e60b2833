import type { DroppedMessage, ServerMessage } from '../../common/protocol.js';
import type { EncodedPacket } from './packet.js';

/** The part of a WebSocket a subscriber needs; `ws`'s WebSocket satisfies it. */
export interface MessageSocket {
  send(data: string | Uint8Array, options?: { binary?: boolean }): void;
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

  deliver(packet: EncodedPacket): void {
    const bytes = this.binary ? packet.asBinary() : packet.asJsonBytes();
    // The packet counts against the limit before it is queued; one bigger than the limit goes only to an idle socket.
    const queued = this.socket.bufferedAmount;
    if (queued > 0 && queued + bytes.byteLength > this.maxBufferedBytes) {
      this.dropped++;
      return;
    }
    if (this.dropped > 0) {
      const notice: DroppedMessage = { type: 'dropped', channel: this.channel, count: this.dropped };
      this.socket.send(JSON.stringify(notice));
      this.dropped = 0;
    }
    // The same bytes go to every subscriber (ws frames them without copying): text for JSON clients.
    this.socket.send(bytes, { binary: this.binary });
    this.delivered++;
  }

  deliverHistory(packet: EncodedPacket): void {
    this.socket.send(this.binary ? packet.asBinary(true) : packet.asJsonBytes(true), { binary: this.binary });
    this.delivered++;
  }

  send(message: ServerMessage): void {
    this.socket.send(JSON.stringify(message));
  }
}
