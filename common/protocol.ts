/**
 * The HTTP and WebSocket protocol, shared by server, client and renderer. The seed's FastAPI
 * protocol is kept exactly; fields beyond it are additions a seed client ignores.
 */
import type { DTypeName } from './npy/dtype.js';

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
  dtype: DTypeName;
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
  dtype: DTypeName;
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
