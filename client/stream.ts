import { decodeDataFrame } from '../common/frames.js';
import { type NumericArray, toTypedArray } from '../common/npy/typed.js';
import type { DataMessage, DroppedMessage, ServerMessage, StatusMessage, StreamCommand } from '../common/protocol.js';
import { type CloseInfo, type ConnectionListener, ReconnectingSocket, type WebSocketFactory } from './socket.js';

/** A data packet, the same whether it came as JSON or as a binary frame. */
export interface StreamData {
  channel: string;
  seq: number;
  timestamp: number;
  x: Float64Array;
  /** Values of y in C order: `shape` is `[n]` or `[k, n]` for k series. */
  y: NumericArray;
  shape: number[];
  dtype: string;
}

export interface StreamOptions {
  channel?: string;
  /** Send `start` on every (re)connect, as the seed's `auto_start`. */
  autoStart?: boolean;
  /** Ask for binary frames (default true): no JSON on the hot path. */
  binary?: boolean;
  /** Reconnect with exponential backoff after an unexpected close (default true). */
  reconnect?: boolean;
  onData?: (data: StreamData) => void;
  onStatus?: (status: StatusMessage) => void;
  onDropped?: (message: DroppedMessage) => void;
  onError?: (detail: string) => void;
  onConnection?: ConnectionListener;
}

/** A live `/ws/stream` subscription; survives server restarts until `close()`. */
export class StreamSubscription extends ReconnectingSocket {
  private readonly openedOnce: Promise<void>;
  private resolveOpened!: () => void;

  constructor(
    url: string,
    createSocket: WebSocketFactory,
    private readonly options: StreamOptions,
  ) {
    super(url, createSocket, options.onConnection);
    this.openedOnce = new Promise((resolve) => (this.resolveOpened = resolve));
    this.connect();
  }

  /** Resolves once the first connection is open. */
  ready(): Promise<void> {
    return this.openedOnce;
  }

  start(): void {
    this.command({ action: 'start', binary: this.binary });
  }

  stop(): void {
    this.command({ action: 'stop' });
  }

  ping(): void {
    this.command({ action: 'ping' });
  }

  private get binary(): boolean {
    return this.options.binary ?? true;
  }

  private command(command: StreamCommand): void {
    this.sendJson(command);
  }

  protected opened(): void {
    // `binary` rides on the first command; ping changes nothing else on the server.
    this.command(this.options.autoStart ? { action: 'start', binary: this.binary } : { action: 'ping', binary: this.binary });
    this.resolveOpened();
  }

  protected closed(_info: CloseInfo): boolean {
    return this.options.reconnect !== false;
  }

  protected received(data: unknown): void {
    if (typeof data !== 'string') {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : (data as Uint8Array);
      const frame = decodeDataFrame(bytes);
      this.options.onData?.({
        ...frame.meta,
        x: toTypedArray(frame.x) as Float64Array,
        y: toTypedArray(frame.y),
        shape: [...frame.y.header.shape],
        dtype: frame.y.header.dtype.str,
      });
      return;
    }
    const message = JSON.parse(data) as ServerMessage;
    switch (message.type) {
      case 'data':
        this.options.onData?.(fromJson(message));
        break;
      case 'status':
        this.options.onStatus?.(message);
        break;
      case 'dropped':
        this.options.onDropped?.(message);
        break;
      case 'error':
        this.options.onError?.(message.detail);
        break;
      case 'pong':
        break;
    }
  }
}

/** JSON packets carry NaN and ±Inf as strings; `Number()` reads both forms. */
function fromJson(message: DataMessage): StreamData {
  const flat = (message.y as unknown[]).flat() as (number | string)[];
  return {
    channel: message.channel,
    seq: message.seq,
    timestamp: message.timestamp,
    x: Float64Array.from(message.x as (number | string)[], Number),
    y: Float64Array.from(flat, Number),
    shape: message.shape,
    dtype: message.dtype,
  };
}
