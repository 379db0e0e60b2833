/**
 * One valibot schema per wire message; the TypeScript types in protocol.ts are inferred from these.
 * Server and client validate the envelope only: arrays of samples (`x`, `y`, `t`) are checked to be lists,
 * never element by element, since one packet may hold a million values.
 */
import * as v from 'valibot';

/** A list whose elements are not inspected here (their reader checks them while converting). */
const list = v.custom<unknown[]>((value) => Array.isArray(value), 'must be a list');
/** Sample values the server writes: numbers, with NaN and ±Infinity as the strings "NaN", "Infinity", "-Infinity". */
const samples = v.custom<number[]>((value) => Array.isArray(value), 'must be a list');
const seriesSamples = v.custom<number[] | number[][]>((value) => Array.isArray(value), 'must be a list');
const optionalList = v.nullish(list);
const seconds = v.pipe(v.number(), v.finite());
const strings = v.array(v.string());

// ---- producers ----

/** Series names and units: k strings each; `units` may also be one string (or a list of one) for every series. */
const metadataEntries = {
  names: v.optional(strings),
  units: v.optional(v.union([v.string(), strings])),
};

/** A producer's JSON text message on `/ws/publish`. */
export const PublishMessageSchema = v.strictObject({
  type: v.optional(v.literal('data')),
  y: list,
  x: optionalList,
  t: optionalList,
  timestamp: v.nullish(seconds),
  rate: v.nullish(v.pipe(v.number(), v.finite(), v.gtValue(0))),
  ...metadataEntries,
});

export const PingMessageSchema = v.strictObject({ action: v.literal('ping') });

/** The JSON metadata of a framed binary publish message (`uint32 LE length` + JSON + `.npy` y [+ `.npy` t]). */
export const PublishFrameMetaSchema = v.strictObject({
  timestamp: v.nullish(seconds),
  rate: v.nullish(v.pipe(v.number(), v.finite(), v.gtValue(0))),
  ...metadataEntries,
});

export const PublishResponseSchema = v.object({ status: v.literal('published'), channel: v.string(), seq: v.number() });

// ---- subscribers ----

export const StreamCommandSchema = v.object({
  action: v.picklist(['start', 'stop', 'ping']),
  binary: v.optional(v.boolean()),
});

const dataExtras = {
  history: v.optional(v.literal(true)),
  names: v.optional(strings),
  units: v.optional(strings),
  dropped: v.optional(v.number()),
};

export const DataMessageSchema = v.object({
  type: v.literal('data'),
  timestamp: v.number(),
  /** Shape of `y`: `[n]` for one series, `[k, n]` for k series. */
  shape: v.array(v.number()),
  dtype: v.string(),
  x: samples,
  y: seriesSamples,
  /** Each sample's time, float64 seconds. */
  t: samples,
  channel: v.string(),
  seq: v.number(),
  ...dataExtras,
});

/** Metadata of a binary data frame: `uint32 LE length` + this JSON + `.npy` x + `.npy` y + `.npy` t. */
export const FrameMetaSchema = v.object({
  type: v.literal('data'),
  channel: v.string(),
  seq: v.number(),
  timestamp: v.number(),
  ...dataExtras,
});

export const StatusMessageSchema = v.object({ type: v.literal('status'), streaming: v.boolean(), channel: v.optional(v.string()) });
export const PongMessageSchema = v.object({ type: v.literal('pong') });
export const ErrorMessageSchema = v.object({ type: v.literal('error'), detail: v.string() });
/** Sent to a subscriber before the next packet it gets after packets were dropped for it (it read too slowly). */
export const DroppedMessageSchema = v.object({ type: v.literal('dropped'), channel: v.string(), count: v.number() });

export const ServerMessageSchema = v.variant('type', [
  DataMessageSchema,
  StatusMessageSchema,
  PongMessageSchema,
  ErrorMessageSchema,
  DroppedMessageSchema,
]);

// ---- channel list ----

export const ChannelInfoSchema = v.object({
  name: v.string(),
  dtype: v.nullable(v.string()),
  shape: v.nullable(v.array(v.number())),
  /** Packets per second over the last few seconds. */
  rate: v.number(),
  subscribers: v.number(),
  publishers: v.number(),
  streaming: v.boolean(),
  last_timestamp: v.nullable(v.number()),
  packets: v.number(),
  names: v.nullable(strings),
  units: v.nullable(strings),
});

export const StreamListResponseSchema = v.object({ streams: v.array(ChannelInfoSchema) });

/** `/ws/streams`: the channel list with a sparkline of recent values (series 0's last value per packet; null if not finite). */
export const StreamsMessageSchema = v.object({
  type: v.literal('streams'),
  streams: v.array(v.object({ ...ChannelInfoSchema.entries, sparkline: v.array(v.nullable(v.number())) })),
});

// ---- stored arrays ----

export const ArrayInfoSchema = v.object({
  index: v.number(),
  /** The uploaded file name or `.npz` key; only ever displayed, never used as a path. */
  name: v.string(),
  shape: v.array(v.number()),
  dtype: v.string(),
  /** Size of the stored `.npy` file. */
  bytes: v.number(),
  /** ISO 8601 creation time. */
  created: v.string(),
  /** The `.npz` upload or recording the array belongs to. */
  group: v.optional(v.string()),
});

export const ArrayRefSchema = v.object({ index: v.number(), name: v.string(), shape: v.array(v.number()), dtype: v.string() });

export const UploadResponseSchema = v.object({
  ...ArrayInfoSchema.entries,
  status: v.literal('success'),
  /** Every member of an `.npz` upload (a `.npy` upload lists itself). */
  arrays: v.optional(v.array(ArrayRefSchema)),
});

export const ArrayListResponseSchema = v.object({ count: v.number(), arrays: v.array(ArrayInfoSchema) });

// ---- recordings and replay ----

const positive = v.pipe(v.number(), v.finite(), v.gtValue(0));

export const StartRecordingSchema = v.strictObject({
  channels: v.pipe(v.array(v.string()), v.minLength(1, 'name at least one channel'), v.maxLength(256)),
  name: v.optional(v.pipe(v.string(), v.maxLength(200))),
  max_seconds: v.nullish(positive),
  max_bytes: v.nullish(positive),
  lookback: v.optional(v.boolean()),
});

export const RecordingInfoSchema = v.object({
  id: v.string(),
  name: v.string(),
  state: v.picklist(['recording', 'finished']),
  channels: strings,
  /** ISO 8601. */
  started: v.string(),
  finished: v.nullable(v.string()),
  /** Why it stopped: "stopped", "max_seconds", "max_bytes", "interrupted" (the server stopped while recording). */
  stop_reason: v.nullable(v.string()),
  max_seconds: v.nullable(v.number()),
  max_bytes: v.nullable(v.number()),
  /** Bytes appended to disk so far. */
  bytes: v.number(),
  /** Seconds from start to finish (or to now). */
  duration: v.number(),
  /** Packets that could not be recorded (the disk fell behind). */
  lost: v.number(),
  packets: v.number(),
  /** Per channel, the last seq known to be on disk (fsynced); absent until one is. */
  durable_seq: v.record(v.string(), v.number()),
  /** Per channel, the series names and units its producer last gave (a channel without either is absent). */
  series: v.record(v.string(), v.object({ names: v.nullable(strings), units: v.nullable(strings) })),
  /** The stored arrays, once finished. */
  arrays: v.array(ArrayRefSchema),
  /** The group of those arrays (GET /groups/{group}). */
  group: v.string(),
});

export const RecordingListResponseSchema = v.object({ recordings: v.array(RecordingInfoSchema) });

export const StartReplaySchema = v.strictObject({
  recording: v.string(),
  channel_prefix: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{0,32}$/, 'channel_prefix uses A-Z a-z 0-9 _ . -')), 'replay.'),
  speed: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0.001), v.maxValue(1000)), 1),
  loop: v.optional(v.boolean(), false),
});

export const ReplayInfoSchema = v.object({
  id: v.string(),
  recording: v.string(),
  state: v.picklist(['playing', 'stopped', 'finished']),
  channels: v.record(v.string(), v.string()),
  speed: v.number(),
  loop: v.boolean(),
  started: v.string(),
});

// ---- the tutorial's other answers ----

export const HealthResponseSchema = v.object({
  status: v.literal('healthy'),
  version: v.string(),
  arrays: v.number(),
  streaming: v.boolean(),
});
export const ControlResponseSchema = v.object({ status: v.picklist(['streaming started', 'streaming stopped']), streaming: v.boolean() });
export const DeleteResponseSchema = v.object({ status: v.literal('deleted'), index: v.number() });
/** `GET /array/{index}`: `data` is `ndarray.tolist()`; see common/npy/json.ts for NaN, ±Inf, int64 and complex. */
export const ArrayDataResponseSchema = v.object({
  index: v.number(),
  name: v.string(),
  shape: v.array(v.number()),
  dtype: v.string(),
  data: v.unknown(),
});
