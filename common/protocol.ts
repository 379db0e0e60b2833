/**
 * The HTTP and WebSocket protocol, shared by server, client and renderer. The seed's FastAPI
 * protocol is kept exactly; fields beyond it are additions a seed client ignores.
 */
import type * as v from 'valibot';
import type { ComplexPart } from './npy/pieces.js';
import type * as s from './schemas.js';
import type { ValueStats } from './stats.js';

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

export type HealthResponse = v.InferOutput<typeof s.HealthResponseSchema>;
/** One stored array, as listed by `GET /arrays`. */
export type ArrayInfo = v.InferOutput<typeof s.ArrayInfoSchema>;
export type ArrayRef = v.InferOutput<typeof s.ArrayRefSchema>;
export type UploadResponse = v.InferOutput<typeof s.UploadResponseSchema>;
export type ArrayListResponse = v.InferOutput<typeof s.ArrayListResponseSchema>;
export type ArrayDataResponse = v.InferOutput<typeof s.ArrayDataResponseSchema>;
export type ControlResponse = v.InferOutput<typeof s.ControlResponseSchema>;
export type DeleteResponse = v.InferOutput<typeof s.DeleteResponseSchema>;

/** `GET /array/{index}/stats?slice=&part=`: see common/stats.ts for what each figure covers. */
export interface ArrayStatsResponse extends ValueStats {
  index: number;
  /** Shape of the sliced array the figures cover. */
  shape: number[];
  dtype: string;
  /** For complex arrays, which real number of each element: abs, real, imag or phase. */
  part: ComplexPart | null;
}

/** `GET /array/{index}/overview` as JSON; `data` has shape (4, ...bins): min, max, mean, nan count per bin (common/npy/overview.ts). */
export interface OverviewResponse {
  index: number;
  shape: number[];
  bins: number[];
  stats: readonly ['min', 'max', 'mean', 'nan'];
  part: ComplexPart | null;
  data: unknown;
}

export const NPY_MEDIA_TYPE = 'application/x-npy';
export const DEMO_CHANNEL = 'demo';

// ---- WebSocket /ws/stream ----

export type StreamAction = StreamCommand['action'];
/** Client → server. `binary` (ours) asks for binary data frames; see common/frames.ts. */
export type StreamCommand = v.InferOutput<typeof s.StreamCommandSchema>;
export type DataMessage = v.InferOutput<typeof s.DataMessageSchema>;
export type StatusMessage = v.InferOutput<typeof s.StatusMessageSchema>;
export type PongMessage = v.InferOutput<typeof s.PongMessageSchema>;
export type ErrorMessage = v.InferOutput<typeof s.ErrorMessageSchema>;
export type DroppedMessage = v.InferOutput<typeof s.DroppedMessageSchema>;
export type ServerMessage = v.InferOutput<typeof s.ServerMessageSchema>;

/** `GET /streams`: one entry per channel. */
export type ChannelInfo = v.InferOutput<typeof s.ChannelInfoSchema>;
export type StreamListResponse = v.InferOutput<typeof s.StreamListResponseSchema>;
/** `/ws/streams`. */
export type StreamsMessage = v.InferOutput<typeof s.StreamsMessageSchema>;
export type ChannelSummary = StreamsMessage['streams'][number];

// ---- Producers: WebSocket /ws/publish?channel=NAME and POST /stream/{channel} ----

/**
 * A producer's JSON text message on `/ws/publish`. `y` is one series of n values or k lists of n;
 * `x` defaults to the channel's running sample index and `timestamp` to the server's time (Unix seconds);
 * sample times come from `t`, from `timestamp` + i / `rate`, or are spread by the server (see README).
 * Values travel as float64; NaN and ±Inf may be sent as "NaN", "Infinity", "-Infinity" or as Python's bare tokens.
 * Binary messages are the `.npy` bytes of y, bare or framed (common/frames.ts).
 * `{"action": "ping"}` is answered with `{"type": "pong"}` after every earlier message has been handled.
 */
export type PublishMessage = v.InferOutput<typeof s.PublishMessageSchema>;
export type PublishFrameMeta = v.InferOutput<typeof s.PublishFrameMetaSchema>;
export type PublishResponse = v.InferOutput<typeof s.PublishResponseSchema>;

/** Largest packet a producer may send: at most MAX_PACKET_VALUES values in all, in any number of series. */
export const MAX_PACKET_VALUES = 1 << 20;

// ---- Recordings and replay ----

export type StartRecordingRequest = v.InferInput<typeof s.StartRecordingSchema>;
export type RecordingInfo = v.InferOutput<typeof s.RecordingInfoSchema>;
export type RecordingListResponse = v.InferOutput<typeof s.RecordingListResponseSchema>;
export type StartReplayRequest = v.InferInput<typeof s.StartReplaySchema>;
export type ReplayInfo = v.InferOutput<typeof s.ReplayInfoSchema>;
