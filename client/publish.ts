import * as v from 'valibot';
import { encodeFrame } from '../common/frames.js';
import { type NumericArray, typedArrayToNpy } from '../common/npy/typed.js';
import type { PublishFrameMeta, PublishMessage } from '../common/protocol.js';
import { ServerMessageSchema } from '../common/schemas.js';
import { ApiError, ConnectionError } from './errors.js';
import { type CloseInfo, type ConnectionListener, ReconnectingSocket, type WebSocketFactory } from './socket.js';

/** One packet: y is one series of n samples or k series of n. */
export interface PublishPacket {
  /** A typed array (k series as `shape` [k, n]), an array of k typed arrays, or plain number lists. */
  y: NumericArray | readonly NumericArray[] | readonly number[] | readonly (readonly number[])[];
  /** Shape of a flat typed-array `y`: [n] (default) or [k, n]. */
  shape?: readonly number[];
  /** Defaults to the channel's running sample index. */
  x?: ArrayLike<number>;
  /** Seconds; defaults to the server's clock. */
  timestamp?: number;
  /** Each sample's time, float64 seconds (n of them). */
  t?: ArrayLike<number>;
  /** Samples per second: sample i is at `timestamp + i / rate`. */
  rate?: number;
  /** A name per series, kept by the channel until changed. */
  names?: readonly string[];
  /** A unit per series, or one for all. */
  units?: string | readonly string[];
}

export interface PublishOptions {
  /** Reconnect after the connection drops, once it had been accepted (default true). */
  reconnect?: boolean;
  /** The server refused a packet (it stays connected); or refused a reconnect. */
  onError?: (detail: string) => void;
  onConnection?: ConnectionListener;
}

/**
 * A producer on `/ws/publish`. Typed-array packets without x go as binary `.npy` (framed when they carry
 * t, timestamp, rate, names or units) in their own dtype; anything else as JSON (float64). Call `ready()` before sending: it
 * rejects with ApiError (status = the close code) if the server refuses the channel, or with
 * ConnectionError if the server cannot be reached.
 */
export class Publisher extends ReconnectingSocket {
  private accepted = false;
  private everAccepted = false;
  private refusal?: string;
  private readonly acceptance: Promise<void>;
  private settleAcceptance!: { resolve: () => void; reject: (err: Error) => void };
  private readonly pendingFlushes: { resolve: () => void; reject: (err: Error) => void }[] = [];

  constructor(
    url: string,
    createSocket: WebSocketFactory,
    readonly channel: string,
    private readonly options: PublishOptions = {},
  ) {
    super(url, createSocket, options.onConnection);
    this.acceptance = new Promise((resolve, reject) => (this.settleAcceptance = { resolve, reject }));
    this.acceptance.catch(() => {}); // callers that never await ready() must not see an unhandled rejection
    this.connect();
  }

  /** Resolves once the server has accepted this producer on its channel. */
  ready(): Promise<void> {
    return this.acceptance;
  }

  /** True while connected and accepted: `send` only sends then. */
  get connected(): boolean {
    return this.accepted && this.isOpen;
  }

  /** Bytes queued in the socket; a producer faster than the network should wait while this grows. */
  get bufferedAmount(): number {
    return this.socket?.bufferedAmount ?? 0;
  }

  /** Sends one packet; returns false (and sends nothing) while not connected. Malformed packets are reported to `onError`. */
  send(packet: PublishPacket): boolean {
    if (!this.connected) return false;
    this.socket!.send(encodePacket(packet));
    return true;
  }

  /** Resolves once the server has handled every packet sent before (a ping/pong round trip). */
  flush(): Promise<void> {
    if (!this.connected) return Promise.reject(new Error(`not connected to ${this.url}`));
    return new Promise((resolve, reject) => {
      this.pendingFlushes.push({ resolve, reject });
      this.sendJson({ action: 'ping' });
    });
  }

  protected opened(): void {
    this.refusal = undefined; // acceptance arrives as a status message
  }

  protected received(data: unknown): void {
    if (typeof data !== 'string') return;
    const parsed = v.safeParse(ServerMessageSchema, JSON.parse(data));
    if (!parsed.success) return;
    const message = parsed.output;
    if (message.type === 'status') {
      this.accepted = this.everAccepted = true;
      this.settleAcceptance.resolve();
    } else if (message.type === 'pong') {
      this.pendingFlushes.shift()?.resolve();
    } else if (message.type === 'error') {
      if (this.accepted) this.options.onError?.(message.detail);
      else this.refusal = message.detail;
    }
  }

  protected closed({ code, error }: CloseInfo): boolean {
    this.accepted = false;
    for (const flush of this.pendingFlushes.splice(0)) flush.reject(new Error('the connection closed before the server answered'));
    if (!this.everAccepted) {
      this.settleAcceptance.reject(
        this.refusal
          ? new ApiError(code, this.refusal)
          : new ConnectionError(this.url, new Error(error ?? `connection closed (code ${code})`)),
      );
      return false;
    }
    if (this.refusal) this.options.onError?.(this.refusal);
    // 1008: refused for good (e.g. the channel name); anything else may work again later.
    return this.options.reconnect !== false && code !== 1008;
  }
}

/**
 * The wire form of a packet: typed-array y goes as binary `.npy` in its own dtype (bare, or framed with its
 * metadata and t); anything else, or a packet with x, as JSON (float64).
 */
export function encodePacket({ y, shape, x, timestamp, t, rate, names, units }: PublishPacket): string | Uint8Array {
  const typed = typedValues(y, shape);
  if (typed && x === undefined) {
    const yNpy = typedArrayToNpy(typed.values, typed.shape);
    const meta: PublishFrameMeta = {};
    if (timestamp !== undefined) meta.timestamp = timestamp;
    if (rate !== undefined) meta.rate = rate;
    if (names !== undefined) meta.names = [...names];
    if (units !== undefined) meta.units = typeof units === 'string' ? units : [...units];
    if (t === undefined && Object.keys(meta).length === 0) return yNpy;
    return encodeFrame(meta, t === undefined ? [yNpy] : [yNpy, typedArrayToNpy(Float64Array.from(t))]);
  }
  const message: PublishMessage = { y: typed ? nestRows(typed.values, typed.shape) : (y as PublishMessage['y']) };
  if (x !== undefined) message.x = Array.from(x);
  if (t !== undefined) message.t = Array.from(t);
  if (timestamp !== undefined) message.timestamp = timestamp;
  if (rate !== undefined) message.rate = rate;
  if (names !== undefined) message.names = [...names];
  if (units !== undefined) message.units = typeof units === 'string' ? units : [...units];
  // JSON has no NaN or ±Infinity: the server reads them back from these strings.
  return JSON.stringify(message, (_key, value: unknown) =>
    typeof value === 'bigint' ? Number(value) : typeof value === 'number' && !Number.isFinite(value) ? String(value) : value,
  );
}

function isTypedArray(value: unknown): value is NumericArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/** y as one flat typed array and its shape, if it is typed at all. */
function typedValues(y: PublishPacket['y'], shape?: readonly number[]): { values: NumericArray; shape: readonly number[] } | undefined {
  if (isTypedArray(y)) return { values: y, shape: shape ?? [y.length] };
  if (y.length === 0 || !y.every(isTypedArray)) return undefined;
  const rows = y as readonly NumericArray[];
  const n = rows[0]!.length;
  const Container = rows[0]!.constructor as new (length: number) => NumericArray;
  if (rows.some((row) => row.length !== n || row.constructor !== Container)) {
    throw new TypeError('every series of y must be a typed array of the same type and length');
  }
  const values = new Container(rows.length * n);
  rows.forEach((row, i) => (values as { set(row: NumericArray, offset: number): void }).set(row, i * n));
  return { values, shape: [rows.length, n] };
}

function nestRows(values: NumericArray, shape: readonly number[]): PublishMessage['y'] {
  const flat = Array.from(values as ArrayLike<number | bigint>, Number);
  if (shape.length < 2) return flat;
  const n = shape[1]!;
  return Array.from({ length: shape[0]! }, (_, i) => flat.slice(i * n, (i + 1) * n));
}
