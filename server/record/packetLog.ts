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
import { type DType, parseDescr } from '../../common/npy/dtype.js';
import type { StreamPacket } from '../stream/packet.js';
import { SequentialReader } from './sequentialReader.js';

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

/** The same float64 (NaN never is): a quick check of one value before comparing whole arrays bit for bit. */
function same(a: number, b: number): boolean {
  return a === b && (a !== 0 || Object.is(a, b));
}

// The formulas of the short encodings, each filling an array; the reader rebuilds with the same function.
function fillRamp(out: Float64Array, x0: number): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = x0 + i;
  return out;
}

/** The channel's spreading of n samples over (start, end], the last one exactly at end (see Channel.sampleTimes). */
function fillSpread(out: Float64Array, start: number, end: number): Float64Array {
  const n = out.length;
  const step = (end - start) / n;
  for (let i = 0; i < n - 1; i++) out[i] = start + (i + 1) * step;
  out[n - 1] = end;
  return out;
}

function fillRate(out: Float64Array, t0: number, rate: number): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = t0 + i / rate;
  return out;
}

let scratch = new Float64Array(0);

/** Whether `fill` gives exactly `values`, bit for bit (built in a reused scratch array and compared with memcmp). */
function rebuilds(values: Float64Array, fill: (out: Float64Array) => Float64Array): boolean {
  if (scratch.length < values.length) scratch = new Float64Array(values.length);
  const built = fill(scratch.subarray(0, values.length));
  return Buffer.from(built.buffer, built.byteOffset, built.byteLength).equals(
    Buffer.from(values.buffer, values.byteOffset, values.byteLength),
  );
}

function timeEncoding(t: Float64Array, previousEnd: number | undefined): { kind: number; params: number[] } {
  const n = t.length;
  if (n === 0) return { kind: T_FULL, params: [] };
  const t0 = t[0]!;
  const end = t[n - 1]!;
  if (same(end, t0) && rebuilds(t, (out) => out.fill(t0))) return { kind: T_CONSTANT, params: [t0] };
  if (previousEnd !== undefined && rebuilds(t, (out) => fillSpread(out, previousEnd, end))) return { kind: T_SPREAD, params: [end] };
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
    if (same(t[n - 1]!, t0 + (n - 1) / rate) && rebuilds(t, (out) => fillRate(out, t0, rate))) return rate;
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
  const xRamp = n > 0 && rebuilds(x, (out) => fillRamp(out, x[0]!));
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

/** A record whose CRC holds but whose contents do not parse: the log is not one this build can read. */
export class LogFormatError extends Error {}

/** Reads a record body front to back, refusing any read past its end (a wrong length must not become a huge allocation). */
class BodyReader {
  at = 0;

  constructor(private readonly body: Buffer) {}

  take(bytes: number): number {
    if (!(bytes >= 0 && this.at + bytes <= this.body.length))
      throw new LogFormatError(`a record of ${this.body.length} bytes is shorter than its contents`);
    const start = this.at;
    this.at += bytes;
    return start;
  }

  u8(): number {
    return this.body.readUInt8(this.take(1));
  }

  u32(): number {
    return this.body.readUInt32LE(this.take(4));
  }

  f64(): number {
    return this.body.readDoubleLE(this.take(8));
  }

  float64s(n: number): Float64Array {
    return readFloat64(this.body, this.take(8 * n), n);
  }
}

/** y of a record, once its shape and dtype are known: the rest of the body, exactly. */
function recordY(body: Buffer, reader: BodyReader, meta: RecordMeta): NpyArray {
  let dtype: DType;
  try {
    dtype = parseDescr(meta.descr);
  } catch {
    throw new LogFormatError(`a record has dtype ${JSON.stringify(meta.descr)}`);
  }
  const count = meta.shape.reduce((a, b) => a * b, 1);
  const data = body.subarray(reader.take(count * dtype.itemsize));
  if (reader.at !== body.length) throw new LogFormatError(`a record has ${body.length - reader.at} bytes after its data`);
  return {
    header: { version: 1, dtype, fortranOrder: meta.fortran, shape: meta.shape, dataOffset: 0, count, dataBytes: data.byteLength },
    data,
  };
}

/** A record's body back as a packet; `previousEnd` as given to encodeRecord. */
function decodeRecord(body: Buffer, previousEnd: (channel: number) => number | undefined): LoggedPacket {
  const reader = new BodyReader(body);
  const c = reader.u32();
  const seq = reader.f64();
  const timestamp = reader.f64();
  const ndim = reader.u8();
  const fortran = reader.u8() === 1;
  const xKind = reader.u8();
  const tKind = reader.u8();
  if (ndim !== 1 && ndim !== 2) throw new LogFormatError(`a record has ${ndim} dimensions`);
  const shape: number[] = [];
  for (let i = 0; i < ndim; i++) shape.push(reader.u32());
  const descrLength = reader.u8();
  const descr = body.toString('latin1', reader.take(descrLength), reader.at);
  const n = shape.at(-1)!;
  // Every length is checked against the body before anything of that length is allocated.
  let x: Float64Array;
  if (xKind === X_RAMP) x = fillRamp(new Float64Array(checkedLength(body, n)), reader.f64());
  else if (xKind === X_FULL) x = reader.float64s(n);
  else throw new LogFormatError(`a record has x encoding ${xKind}`);
  let t: Float64Array;
  if (tKind === T_CONSTANT) t = new Float64Array(checkedLength(body, n)).fill(reader.f64());
  else if (tKind === T_SPREAD) t = fillSpread(new Float64Array(checkedLength(body, n)), previousEnd(c)!, reader.f64());
  else if (tKind === T_RATE) t = fillRate(new Float64Array(checkedLength(body, n)), reader.f64(), reader.f64());
  else if (tKind === T_FULL) t = reader.float64s(n);
  else throw new LogFormatError(`a record has time encoding ${tKind}`);
  const meta = { c, seq, descr, shape, fortran, timestamp };
  return { meta, x, t, y: recordY(body, reader, meta) };
}

/** n samples need at least n bytes of y in the body, so a larger n is not a record of this format. */
function checkedLength(body: Buffer, n: number): number {
  if (n > body.length) throw new LogFormatError(`a record claims ${n} samples in ${body.length} bytes`);
  return n;
}

/**
 * The log format of the first builds with recordings (body: uint32 meta length, meta JSON {c, seq, descr, shape,
 * fortran, timestamp}, x and t as n float64 each, then y), read so that a recording that such a build left
 * unfinished still finishes after an upgrade.
 */
function decodeJsonRecord(body: Buffer): LoggedPacket {
  const reader = new BodyReader(body);
  const metaLength = reader.u32();
  let meta: RecordMeta;
  try {
    meta = JSON.parse(body.toString('utf8', reader.take(metaLength), reader.at)) as RecordMeta;
  } catch {
    throw new LogFormatError('a record of the JSON log format has a head that is not JSON');
  }
  const { shape } = meta;
  if (!Array.isArray(shape) || (shape.length !== 1 && shape.length !== 2) || !shape.every((d) => Number.isInteger(d) && d >= 0))
    throw new LogFormatError(`a record of the JSON log format has shape ${JSON.stringify(shape)}`);
  const n = shape.at(-1)!;
  const x = reader.float64s(n);
  const t = reader.float64s(n);
  return { meta, x, t, y: recordY(body, reader, meta) };
}

/**
 * Whether a log's first record is of the JSON format: its head starts with '{'. This format has a float64 seq there,
 * whose first byte is 0 for any whole seq below 2^45.
 */
function isJsonRecord(body: Buffer): boolean {
  return body.length > 5 && body[4] === 0x7b;
}

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
  // One format per file: a log is written by one build from start to end.
  let decode: ((body: Buffer) => LoggedPacket) | undefined;
  try {
    const reader = new SequentialReader(handle);
    for (;;) {
      const prefix = await reader.peek(PREFIX);
      if (prefix.length < PREFIX) return;
      const bodyLength = prefix.readUInt32LE(0);
      const crc = prefix.readUInt32LE(4);
      const record = await reader.take(PREFIX + bodyLength);
      if (record.length < PREFIX + bodyLength) return;
      const body = record.subarray(PREFIX);
      if (crc32(body) !== crc) return;
      decode ??= isJsonRecord(body) ? decodeJsonRecord : (record) => decodeRecord(record, (channel) => lastTime.get(channel));
      const packet = decode(body);
      if (packet.t.length > 0) lastTime.set(packet.meta.c, packet.t[packet.t.length - 1]!);
      yield packet;
    }
  } finally {
    await handle.close();
  }
}
