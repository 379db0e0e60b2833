/**
 * Binary frames: `uint32 little-endian` length of the metadata, the metadata as UTF-8 JSON, then one or more
 * `.npy` files back to back (each carries its own dtype and shape; its length follows from its header).
 *
 * Subscribers on `/ws/stream` that send `{"action":"start","binary":true}` (or connect with `binary=1`) get data frames:
 *     meta {"type":"data","channel","seq","timestamp","history"?,"names"?,"units"?}, then .npy x (float64 (n,)),
 *     .npy y ((n,) or (k, n), the producer's dtype), .npy t (float64 (n,)).
 * Producers on `/ws/publish` (and `POST /stream/{channel}`) may send publish frames:
 *     meta {"timestamp"?,"rate"?,"names"?,"units"?}, then .npy y, optionally .npy t (float64 (n,)).
 * A message that starts with the `.npy` magic is not a frame but bare `.npy` bytes of y.
 */
import * as v from 'valibot';
import { type NpyArray, decodeNpy } from './npy/codec.js';
import { NpyError } from './npy/errors.js';
import { NPY_MAGIC, parseNpyHeader } from './npy/header.js';
import { FrameMetaSchema } from './schemas.js';

export type FrameMeta = v.InferOutput<typeof FrameMetaSchema>;

export interface DataFrame {
  meta: FrameMeta;
  x: NpyArray;
  y: NpyArray;
  /** Absent only in frames from servers older than the sample-time contract. */
  t?: NpyArray;
}

/** A frame's metadata (parsed JSON, not yet validated) and its `.npy` parts. */
export interface Frame {
  meta: unknown;
  arrays: NpyArray[];
  /** The bytes of each `.npy` part, for forwarding unchanged. */
  parts: Uint8Array[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The first `.npy` part starts at a multiple of this (its header keeps its data aligned as well). */
const PART_ALIGNMENT = 8;
const SPACE = 0x20;

/**
 * A frame's start: the uint32 LE metadata length and the metadata; its `.npy` parts follow as they are.
 * The metadata ends in spaces up to a multiple of 8 bytes, so that a reader can view float64 values
 * where they lie in the message rather than copy them.
 */
export function frameHead(meta: object): Uint8Array {
  const json = encoder.encode(JSON.stringify(meta));
  const length = json.length + ((PART_ALIGNMENT - ((4 + json.length) % PART_ALIGNMENT)) % PART_ALIGNMENT);
  const head = new Uint8Array(4 + length).fill(SPACE, 4 + json.length);
  new DataView(head.buffer).setUint32(0, length, true);
  head.set(json, 4);
  return head;
}

export function encodeFrame(meta: object, parts: readonly Uint8Array[]): Uint8Array {
  const head = frameHead(meta);
  const out = new Uint8Array(head.length + parts.reduce((sum, p) => sum + p.length, 0));
  out.set(head, 0);
  let offset = head.length;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Whether a binary message is bare `.npy` bytes rather than a frame. */
export function isBareNpy(bytes: Uint8Array): boolean {
  return bytes.length >= NPY_MAGIC.length && NPY_MAGIC.every((b, i) => bytes[i] === b);
}

/** Splits a frame into its metadata and at most `maxParts` `.npy` parts; throws NpyError on anything malformed. */
export function decodeFrame(frame: Uint8Array, maxParts: number): Frame {
  if (frame.length < 4) throw new NpyError('frame too short: expected a uint32 metadata length');
  const metaLength = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0, true);
  const metaEnd = 4 + metaLength;
  if (metaEnd > frame.length) throw new NpyError('frame metadata runs past the end of the message');
  let meta: unknown;
  try {
    meta = JSON.parse(decoder.decode(frame.subarray(4, metaEnd)));
  } catch {
    throw new NpyError('frame metadata is not valid JSON');
  }
  const parts: Uint8Array[] = [];
  let offset = metaEnd;
  while (offset < frame.length) {
    if (parts.length === maxParts) throw new NpyError(`frame has more than ${maxParts} .npy parts`);
    const rest = frame.subarray(offset);
    let header;
    try {
      header = parseNpyHeader(rest);
    } catch (err) {
      if (err instanceof NpyError && err.code === 'incomplete') throw new NpyError(`.npy part ${parts.length + 1}: ${err.message}`);
      throw err;
    }
    const end = header.dataOffset + header.dataBytes;
    if (end > rest.length) throw new NpyError(`.npy part ${parts.length + 1} is truncated`);
    parts.push(rest.subarray(0, end));
    offset += end;
  }
  return { meta, parts, arrays: parts.map((part) => decodeNpy(part)) };
}

export function decodeDataFrame(frame: Uint8Array): DataFrame {
  const { meta, arrays } = decodeFrame(frame, 3);
  const parsed = v.safeParse(FrameMetaSchema, meta);
  if (!parsed.success) throw new NpyError(`frame metadata is malformed: ${v.summarize(parsed.issues)}`);
  if (arrays.length < 2) throw new NpyError('a data frame holds .npy x and y (and t)');
  return { meta: parsed.output, x: arrays[0]!, y: arrays[1]!, t: arrays[2] };
}
