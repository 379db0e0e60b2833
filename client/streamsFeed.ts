import * as v from 'valibot';
import type { StreamsMessage } from '../common/protocol.js';
import { StreamsMessageSchema } from '../common/schemas.js';
import { type ConnectionListener, ReconnectingSocket, type WebSocketFactory } from './socket.js';

export interface StreamsFeedOptions {
  /** The full channel list, on connect and on every change. */
  onStreams: (streams: StreamsMessage['streams']) => void;
  onError?: (detail: string) => void;
  onConnection?: ConnectionListener;
}

/** `/ws/streams`: the server's channel list, pushed; reconnects until `close()`. */
export class StreamsFeed extends ReconnectingSocket {
  constructor(
    url: string,
    createSocket: WebSocketFactory,
    private readonly options: StreamsFeedOptions,
  ) {
    super(url, createSocket, options.onConnection);
    this.connect();
  }

  protected opened(): void {}

  protected closed(): boolean {
    return true;
  }

  protected received(data: unknown): void {
    if (typeof data !== 'string') return;
    const parsed = v.safeParse(StreamsMessageSchema, JSON.parse(data));
    if (parsed.success) this.options.onStreams(parsed.output.streams);
    else this.options.onError?.(`unexpected message on /ws/streams: ${v.summarize(parsed.issues)}`);
  }
}
