/**
 * A recording's packets on disk: one append-only file of records, each
 *
 *     uint32 LE  body length
 *     uint32 LE  CRC-32 of the body
 *     body (all little-endian):
 *       uint32 channel index, float64 seq, float64 timestamp,
 *       uint8 ndim (1 or 2), uint8 Fortran order, uint8 x encoding, uint8 t encoding, uint32 shape[ndim],
 *       uint8 descr length, descr (ASCII),
 *       x: RAMP float64 x0 (x[i] = x0 + i) | FULL n float64
 *       t: CONSTANT float64 t0 | SPREAD float64 end (spread from the channel's previous record's last time, as the
 *          channel spreads them) | RATE float64 t0, float64 rate (t[i] = t0 + i / rate) | FULL n float64
 *       y's data bytes as the producer sent them
 *
 * The short x and t encodings are used only when they give back exactly the same float64 bits, so a packet whose x
 * and t the server made costs its y bytes and a few dozen more, and nothing is rounded. A record is written as
 * pieces (its head, then the packet's own x, t and y memory), so nothing is copied on the way to `writev`.
 *
 * A crash can only cut the file short or leave a torn last record; the reader stops at the first record that is
 * incomplete or fails its CRC, so everything before it (all that was fsynced) is read back.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import type { NpyArray } from '../../common/npy/codec.js';
import { parseDescr } from '../../common/npy/dtype.js';
import type { StreamPacket } from '../stream/packet.js';

export interface RecordMeta {
  /** Index of the channel in the recording's channel list. */
  readonly c: number;
  readonly seq: number;
  readonly descr: string;
  readonly shape: number[];
  readonly fortran: boolean;
  readonly timestamp: number;
}

export interface LoggedPacket {
  readonly meta: RecordMeta;
  readonly x: Float64Array;
  readonly t: Float64Array;
  readonly y: NpyArray;
}

/** One record: its pieces in order, and their total length. */
export interface EncodedRecord {
  readonly pieces: Uint8Array[];
  readonly bytes: number;
}

const PREFIX = 8;
const X_FULL = 0;
const X_RAMP = 1;
const T_FULL = 0;
const T_CONSTANT = 1;
const T_SPREAD = 2;
const T_RATE = 3;

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The same float64, bit for bit (NaN payloads aside: a NaN never matches, so it is kept in full). */
function same(a: number, b: number): boolean {
  return a === b && (a !== 0 || Object.is(a, b));
}

/** Whether `values[i]` is exactly `formula(i)` for every i. */
function follows(values: Float64Array, formula: (i: number) => number): boolean {
  for (let i = 0; i < values.length; i++) if (!same(values[i]!, formula(i))) return false;
  return true;
}

const ramp = (x0: number) => (i: number) => x0 + i;
const constant = (t0: number) => () => t0;
const atRate = (t0: number, rate: number) => (i: number) => t0 + i / rate;
/** The channel's spreading of n samples over (start, end], the last one exactly at end (see Channel.sampleTimes). */
function spread(start: number, end: number, n: number): (i: number) => number {
  const step = (end - start) / n;
  return (i) => (i === n - 1 ? end : start + (i + 1) * step);
}

function timeEncoding(t: Float64Array, previousEnd: number | undefined): { kind: number; params: number[] } {
  const n = t.length;
  if (n === 0) return { kind: T_FULL, params: [] };
  const t0 = t[0]!;
  const end = t[n - 1]!;
  if (follows(t, constant(t0))) return { kind: T_CONSTANT, params: [t0] };
  if (previousEnd !== undefined && follows(t, spread(previousEnd, end, n))) return { kind: T_SPREAD, params: [end] };
  const rate = producerRate(t);
  if (rate !== undefined) return { kind: T_RATE, params: [t0, rate] };
  return { kind: T_FULL, params: [] };
}

/**
 * The rate r for which t[i] = t[0] + i / r exactly, if there is one a producer would give: the packet does not carry
 * it, but its span gives it to about seven digits, and rates are round numbers (1000, 44100, 12.5), so the estimate
 * is tried rounded to 1, 2, … 12 significant digits (checking the last sample first, so a wrong guess costs little).
 */
function producerRate(t: Float64Array): number | undefined {
  const n = t.length;
  const t0 = t[0]!;
  const estimate = (n - 1) / (t[n - 1]! - t0);
  if (!(Number.isFinite(estimate) && estimate > 0)) return undefined;
  for (let digits = 1; digits <= 12; digits++) {
    const rate = Number(estimate.toPrecision(digits));
    if (same(t[n - 1]!, t0 + (n - 1) / rate) && follows(t, atRate(t0, rate))) return rate;
  }
  return undefined;
}

/** float64 values as little-endian bytes: a view of their memory on a little-endian host (no copy). */
export function float64LeBytes(values: Float64Array): Uint8Array {
  if (littleEndianHost) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = Buffer.allocUnsafe(values.byteLength);
  values.forEach((value, i) => out.writeDoubleLE(value, 8 * i));
  return out;
}

/**
 * The record of one packet. `previousEnd` is the last sample time of the channel's previous record in this log
 * (undefined for its first), which the reader will know too.
 */
export function encodeRecord(channelIndex: number, seq: number, packet: StreamPacket, previousEnd: number | undefined): EncodedRecord {
  const { header, data } = packet.y;
  const { x, t } = packet;
  const n = t.length;
  const xRamp = n > 0 && follows(x, ramp(x[0]!));
  const time = timeEncoding(t, previousEnd);
  const descr = header.dtype.descr;
  const shape = header.shape;
  const headLength = PREFIX + 4 + 8 + 8 + 4 + 4 * shape.length + 1 + descr.length + (xRamp ? 8 : 0) + 8 * time.params.length;
  const head = Buffer.allocUnsafe(headLength);
  let at = PREFIX;
  at = head.writeUInt32LE(channelIndex, at);
  at = head.writeDoubleLE(seq, at);
  at = head.writeDoubleLE(packet.timestamp, at);
  at = head.writeUInt8(shape.length, at);
  at = head.writeUInt8(header.fortranOrder ? 1 : 0, at);
  at = head.writeUInt8(xRamp ? X_RAMP : X_FULL, at);
  at = head.writeUInt8(time.kind, at);
  for (const size of shape) at = head.writeUInt32LE(size, at);
  at = head.writeUInt8(descr.length, at);
  at += head.write(descr, at, 'latin1');
  if (xRamp) at = head.writeDoubleLE(x[0]!, at);
  for (const param of time.params) at = head.writeDoubleLE(param, at);
  const pieces: Uint8Array[] = [head];
  if (!xRamp) pieces.push(float64LeBytes(x));
  if (time.kind === T_FULL) pieces.push(float64LeBytes(t));
  pieces.push(data);
  let bytes = 0;
  let crc = crc32(head.subarray(PREFIX));
  for (const piece of pieces) bytes += piece.byteLength;
  for (const piece of pieces.slice(1)) crc = crc32(piece, crc);
  head.writeUInt32LE(bytes - PREFIX, 0);
  head.writeUInt32LE(crc, 4);
  return { pieces, bytes };
}

/** n little-endian float64 values from `offset`, into a fresh (aligned) array. */
export function readFloat64(body: Buffer, offset: number, n: number): Float64Array {
  const out = new Float64Array(n);
  if (littleEndianHost) new Uint8Array(out.buffer).set(body.subarray(offset, offset + 8 * n));
  else for (let i = 0; i < n; i++) out[i] = body.readDoubleLE(offset + 8 * i);
  return out;
}

function generate(n: number, formula: (i: number) => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = formula(i);
  return out;
}

/** A record's body back as a packet; `previousEnd` as given to encodeRecord. */
function decodeRecord(body: Buffer, previousEnd: (channel: number) => number | undefined): LoggedPacket {
  let at = 0;
  const c = body.readUInt32LE(at);
  const seq = body.readDoubleLE((at += 4));
  const timestamp = body.readDoubleLE((at += 8));
  const ndim = body.readUInt8((at += 8));
  const fortran = body.readUInt8(++at) === 1;
  const xKind = body.readUInt8(++at);
  const tKind = body.readUInt8(++at);
  at++;
  const shape: number[] = [];
  for (let i = 0; i < ndim; i++, at += 4) shape.push(body.readUInt32LE(at));
  const descrLength = body.readUInt8(at++);
  const descr = body.toString('latin1', at, (at += descrLength));
  const n = shape.at(-1)!;
  const param = () => {
    const value = body.readDoubleLE(at);
    at += 8;
    return value;
  };
  const full = () => {
    const values = readFloat64(body, at, n);
    at += 8 * n;
    return values;
  };
  const x = xKind === X_RAMP ? generate(n, ramp(param())) : full();
  let t: Float64Array;
  if (tKind === T_CONSTANT) t = generate(n, constant(param()));
  else if (tKind === T_SPREAD) t = generate(n, spread(previousEnd(c)!, param(), n));
  else if (tKind === T_RATE) t = generate(n, atRate(param(), param()));
  else t = full();
  const dtype = parseDescr(descr);
  const count = shape.reduce((a, b) => a * b, 1);
  const data = body.subarray(at, at + count * dtype.itemsize);
  return {
    meta: { c, seq, descr, shape, fortran, timestamp },
    x,
    t,
    y: {
      header: { version: 1, dtype, fortranOrder: fortran, shape, dataOffset: 0, count, dataBytes: data.byteLength },
      data,
    },
  };
}

const CHUNK = 4 * 2 ** 20;

/** Every intact record of the log, in order; stops quietly at a torn or missing tail. */
export async function* readLog(path: string): AsyncGenerator<LoggedPacket> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const lastTime = new Map<number, number>();
  try {
    let buffer = Buffer.alloc(0);
    let position = 0;
    let ended = false;
    const fill = async (needed: number): Promise<boolean> => {
      while (buffer.length < needed && !ended) {
        const chunk = Buffer.allocUnsafe(Math.max(CHUNK, needed - buffer.length));
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
        if (bytesRead === 0) ended = true;
        position += bytesRead;
        buffer = buffer.length === 0 ? chunk.subarray(0, bytesRead) : Buffer.concat([buffer, chunk.subarray(0, bytesRead)]);
      }
      return buffer.length >= needed;
    };
    for (;;) {
      if (!(await fill(PREFIX))) return;
      const bodyLength = buffer.readUInt32LE(0);
      const crc = buffer.readUInt32LE(4);
      if (!(await fill(PREFIX + bodyLength))) return;
      const body = buffer.subarray(PREFIX, PREFIX + bodyLength);
      if (crc32(body) !== crc) return;
      const packet = decodeRecord(body, (channel) => lastTime.get(channel));
      if (packet.t.length > 0) lastTime.set(packet.meta.c, packet.t[packet.t.length - 1]!);
      yield packet;
      buffer = buffer.subarray(PREFIX + bodyLength);
    }
  } finally {
    await handle.close();
  }
}
