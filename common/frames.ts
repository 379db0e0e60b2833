/**
 * Binary data frames on `/ws/stream` for subscribers that send `{"action":"start","binary":true}`:
 *
 *     uint32 little-endian  length of the metadata
 *     metadata              UTF-8 JSON: {"type":"data","channel","seq","timestamp"}
 *     .npy                  x (float64, shape (n,))
 *     .npy                  y (shape (n,) or (k, n), the publisher's dtype)
 *
 * Each `.npy` carries its own dtype and shape and its length follows from its header.
 */
import { type NpyArray, decodeNpy } from './npy/codec.js';
import { NpyError } from './npy/errors.js';
import { parseNpyHeader } from './npy/header.js';

export interface FrameMeta {
  type: 'data';
  channel: string;
  seq: number;
  timestamp: number;
}

export interface DataFrame {
  meta: FrameMeta;
  x: NpyArray;
  y: NpyArray;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeDataFrame(meta: FrameMeta, xNpy: Uint8Array, yNpy: Uint8Array): Uint8Array {
  const metaBytes = encoder.encode(JSON.stringify(meta));
  const out = new Uint8Array(4 + metaBytes.length + xNpy.length + yNpy.length);
  new DataView(out.buffer).setUint32(0, metaBytes.length, true);
  out.set(metaBytes, 4);
  out.set(xNpy, 4 + metaBytes.length);
  out.set(yNpy, 4 + metaBytes.length + xNpy.length);
  return out;
}

export function decodeDataFrame(frame: Uint8Array): DataFrame {
  if (frame.length < 4) throw new NpyError('frame too short');
  const metaLength = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0, true);
  const metaEnd = 4 + metaLength;
  if (metaEnd > frame.length) throw new NpyError('frame metadata runs past the end');
  const meta = JSON.parse(decoder.decode(frame.subarray(4, metaEnd))) as FrameMeta;
  const xEnd = metaEnd + npyLength(frame.subarray(metaEnd));
  return { meta, x: decodeNpy(frame.subarray(metaEnd, xEnd)), y: decodeNpy(frame.subarray(xEnd)) };
}

function npyLength(bytes: Uint8Array): number {
  const header = parseNpyHeader(bytes);
  return header.dataOffset + header.dataBytes;
}
