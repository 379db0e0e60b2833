/**
 * The HTTP and WebSocket protocol, shared by server, client and renderer. The seed's FastAPI
 * protocol is kept exactly; fields beyond it are additions a seed client ignores.
 */

/** Error body of every failed request, as FastAPI sends it. Validation errors carry a list. */
export interface ErrorBody {
  detail: string | ValidationIssue[];
}
export interface ValidationIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
}

export interface HealthResponse {
  status: 'healthy';
  version: string;
  arrays: number;
  streaming: boolean;
}

/** One stored array, as listed by `GET /arrays`. */
export interface ArrayInfo {
  index: number;
  /** The uploaded file name; only ever displayed, never used as a path. */
  name: string;
  shape: number[];
  /** numpy's `str(dtype)`: `float64`, or `>f8` when big-endian. */
  dtype: string;
  /** Size of the stored `.npy` file. */
  bytes: number;
  /** ISO 8601 creation time. */
  created: string;
}

export interface UploadResponse extends ArrayInfo {
  status: 'success';
}

export interface ArrayListResponse {
  count: number;
  arrays: ArrayInfo[];
}

/** `GET /array/{index}`: `data` is `ndarray.tolist()`; see common/npy/json.ts for NaN, ±Inf, int64 and complex. */
export interface ArrayDataResponse {
  index: number;
  name: string;
  shape: number[];
  /** numpy's `str(dtype)`: `float64`, or `>f8` when big-endian. */
  dtype: string;
  data: unknown;
}

export interface ControlResponse {
  status: 'streaming started' | 'streaming stopped';
  streaming: boolean;
}

export interface DeleteResponse {
  status: 'deleted';
  index: number;
}

export const NPY_MEDIA_TYPE = 'application/x-npy';
export const DEMO_CHANNEL = 'demo';

// ---- WebSocket /ws/stream ----

export type StreamAction = 'start' | 'stop' | 'ping';

/** Client → server. `binary` (ours) asks for binary data frames; see common/frames.ts. */
export interface StreamCommand {
  action: StreamAction;
  binary?: boolean;
}

export interface DataMessage {
  type: 'data';
  timestamp: number;
  /** Shape of `y`: `[n]` for one series, `[k, n]` for k series. */
  shape: number[];
  dtype: string;
  x: number[];
  y: number[] | number[][];
  /** Ours: the channel, a per-channel sequence number, and packets dropped for this subscriber since the last one. */
  channel: string;
  seq: number;
  dropped?: number;
}

export interface StatusMessage {
  type: 'status';
  streaming: boolean;
  channel?: string;
}

export interface PongMessage {
  type: 'pong';
}

export interface ErrorMessage {
  type: 'error';
  detail: string;
}

export type ServerMessage = DataMessage | StatusMessage | PongMessage | ErrorMessage | DroppedMessage;

/** Ours: sent to a subscriber before the next packet it gets after packets were dropped for it (it read too slowly). */
export interface DroppedMessage {
  type: 'dropped';
  channel: string;
  count: number;
}

/** `GET /streams`: one entry per channel. */
export interface ChannelInfo {
  name: string;
  dtype: string | null;
  shape: number[] | null;
  /** Packets per second over the last few seconds. */
  rate: number;
  subscribers: number;
  publishers: number;
  streaming: boolean;
  last_timestamp: number | null;
  packets: number;
}

export interface StreamListResponse {
  streams: ChannelInfo[];
}

// ---- Producers: WebSocket /ws/publish?channel=NAME and POST /stream/{channel} ----

/**
 * A producer's JSON text message on `/ws/publish`. `y` is one series of n values or k lists of n;
 * `x` defaults to the channel's running sample index and `timestamp` to the server's time (Unix seconds).
 * Values travel as float64; NaN and ±Inf may be sent as "NaN", "Infinity", "-Infinity" or as Python's bare tokens.
 * Binary messages are instead exactly the `.npy` bytes of y, shape (n,) or (k, n), in any real dtype.
 * `{"action": "ping"}` is answered with `{"type": "pong"}` after every earlier message has been handled.
 */
export interface PublishMessage {
  timestamp?: number | null;
  x?: number[] | null;
  y: number[] | number[][];
}

/** `POST /stream/{channel}` with a `.npy` body. */
export interface PublishResponse {
  status: 'published';
  channel: string;
  seq: number;
}

/** Largest packet a producer may send: at most MAX_SERIES series and MAX_PACKET_VALUES values in all. */
export const MAX_SERIES = 64;
export const MAX_PACKET_VALUES = 1 << 20;
