import * as v from 'valibot';
import { decodeDataFrame } from '../common/frames.js';
import { type NumericArray, typedValues } from '../common/npy/typed.js';
import type { DataMessage, DroppedMessage, StatusMessage, StreamCommand } from '../common/protocol.js';
import { ServerMessageSchema } from '../common/schemas.js';
import { type CloseInfo, type ConnectionListener, ReconnectingSocket, type WebSocketFactory } from './socket.js';

/**
 * A data packet, the same whether it came as JSON or as a binary frame. Its arrays may be views on
 * the message it came in rather than copies: read them, keep them or copy them, but do not write to them.
 */
export interface StreamData {
  channel: string;
  seq: number;
  timestamp: number;
  x: Float64Array;
  /** Values of y in C order: `shape` is `[n]` or `[k, n]` for k series. */
  y: NumericArray;
  shape: number[];
  dtype: string;
  /** Each sample's time, float64 seconds (empty from servers older than the sample-time contract). */
  t: Float64Array;
  /** True for packets sent from the channel's history on connect (`lookback`). */
  history: boolean;
  names?: string[];
  units?: string[];
}

export interface StreamOptions {
  channel?: string;
  /** Send `start` on every (re)connect, as the seed's `auto_start`. */
  autoStart?: boolean;
  /** Ask for binary frames (default true): no JSON on the hot path. */
  binary?: boolean;
  /** Seconds of the channel's recent history to receive first, flagged `history` (on every (re)connect). */
  lookback?: number;
  /** Reconnect with exponential backoff after an unexpected close (default true). */
  reconnect?: boolean;
  onData?: (data: StreamData) => void;
  onStatus?: (status: StatusMessage) => void;
  onDropped?: (message: DroppedMessage) => void;
  onError?: (detail: string) => void;
  onConnection?: ConnectionListener;
}

/** WebSocket close code of a permanent refusal: retrying cannot help. */
const POLICY_VIOLATION = 1008;

/** A live `/ws/stream` subscription; survives server restarts until `close()` or a refusal (see `closed`). */
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

  /**
   * Reconnects unless told not to, or unless the server refused this subscription for good
   * (close 1008, e.g. an invalid channel name): its reason came before as an `error` message.
   */
  protected closed(info: CloseInfo): boolean {
    if (info.code === POLICY_VIOLATION) {
      this.refused = true;
      return false;
    }
    return this.options.reconnect !== false;
  }

  /** Whether the server refused the subscription for good (it then stopped reconnecting). */
  refused = false;

  protected received(data: unknown): void {
    if (typeof data !== 'string') {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : (data as Uint8Array);
      const { meta, x, y, t } = decodeDataFrame(bytes);
      this.options.onData?.({
        channel: meta.channel,
        seq: meta.seq,
        timestamp: meta.timestamp,
        x: typedValues(x) as Float64Array,
        y: typedValues(y),
        shape: [...y.header.shape],
        dtype: y.header.dtype.str,
        t: t ? (typedValues(t) as Float64Array) : new Float64Array(0),
        history: meta.history === true,
        names: meta.names,
        units: meta.units,
      });
      return;
    }
    const parsed = v.safeParse(ServerMessageSchema, JSON.parse(data));
    if (!parsed.success) {
      this.options.onError?.(`unexpected message from the server: ${v.summarize(parsed.issues)}`);
      return;
    }
    const message = parsed.output;
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
    t: Float64Array.from((message.t ?? []) as (number | string)[], Number),
    history: message.history === true,
    names: message.names,
    units: message.units,
  };
}
