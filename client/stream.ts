import { decodeDataFrame } from '../common/frames.js';
import { type NumericArray, toTypedArray } from '../common/npy/typed.js';
import type { DataMessage, DroppedMessage, ServerMessage, StatusMessage, StreamCommand } from '../common/protocol.js';

/** The subset of the WHATWG WebSocket the client uses; browsers' and the `ws` package's both fit. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: string | ArrayBufferLike | Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
}
export type WebSocketFactory = (url: string) => WebSocketLike;

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

export type ConnectionState = 'connecting' | 'open' | 'closed';

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
  onConnection?: (state: ConnectionState, info: { attempt: number; code?: number; reason?: string }) => void;
}

const BACKOFF_START_MS = 250;
const BACKOFF_MAX_MS = 10_000;

/** A live `/ws/stream` subscription; survives server restarts until `close()`. */
export class StreamSubscription {
  private socket?: WebSocketLike;
  private attempt = 0;
  private closed = false;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private readonly opened: Promise<void>;
  private resolveOpened!: () => void;

  constructor(
    private readonly url: string,
    private readonly createSocket: WebSocketFactory,
    private readonly options: StreamOptions,
  ) {
    this.opened = new Promise((resolve) => (this.resolveOpened = resolve));
    this.connect();
  }

  /** Resolves once the first connection is open. */
  ready(): Promise<void> {
    return this.opened;
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

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.socket?.close(1000, 'client closed');
  }

  private get binary(): boolean {
    return this.options.binary ?? true;
  }

  private command(command: StreamCommand): void {
    if (this.socket?.readyState === 1) this.socket.send(JSON.stringify(command));
  }

  private connect(): void {
    this.options.onConnection?.('connecting', { attempt: this.attempt });
    const socket = this.createSocket(this.url);
    this.socket = socket;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      this.attempt = 0;
      this.options.onConnection?.('open', { attempt: 0 });
      // `binary` rides on the first command; ping changes nothing else on the server.
      this.command(this.options.autoStart ? { action: 'start', binary: this.binary } : { action: 'ping', binary: this.binary });
      this.resolveOpened();
    };
    socket.onmessage = (event) => this.receive(event.data);
    socket.onerror = () => {}; // followed by close, which decides about retrying
    socket.onclose = (event) => {
      this.options.onConnection?.('closed', { attempt: this.attempt, code: event.code, reason: event.reason });
      if (this.closed || this.options.reconnect === false) return;
      const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** this.attempt++) * (0.75 + Math.random() / 2);
      this.retryTimer = setTimeout(() => this.connect(), delay);
    };
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : (data as Uint8Array);
      const frame = decodeDataFrame(bytes);
      this.options.onData?.({
        ...frame.meta,
        x: toTypedArray(frame.x) as Float64Array,
        y: toTypedArray(frame.y),
        shape: [...frame.y.header.shape],
        dtype: frame.y.header.dtype.name,
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
