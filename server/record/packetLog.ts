/**
 * A recording's packets on disk: one append-only file of records, each
 *
 *     uint32 LE  body length
 *     uint32 LE  CRC-32 of the body
 *     body:      uint32 LE meta length, meta JSON {"c": channel index, "seq", "descr", "shape", "fortran"},
 *                x (float64 LE, n), t (float64 LE, n), y's data bytes as the producer sent them
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

const PREFIX = 8;

/** The bytes of one record. */
export function encodeRecord(channelIndex: number, seq: number, packet: StreamPacket): Buffer {
  const { header, data } = packet.y;
  const meta: RecordMeta = {
    c: channelIndex,
    seq,
    descr: header.dtype.descr,
    shape: [...header.shape],
    fortran: header.fortranOrder,
    timestamp: packet.timestamp,
  };
  const metaBytes = Buffer.from(JSON.stringify(meta));
  const n = packet.t.length;
  const bodyLength = 4 + metaBytes.length + 16 * n + data.byteLength;
  const out = Buffer.allocUnsafe(PREFIX + bodyLength);
  out.writeUInt32LE(bodyLength, 0);
  out.writeUInt32LE(metaBytes.length, PREFIX);
  metaBytes.copy(out, PREFIX + 4);
  let offset = PREFIX + 4 + metaBytes.length;
  offset = copyFloat64(packet.x, out, offset);
  offset = copyFloat64(packet.t, out, offset);
  out.set(data, offset);
  out.writeUInt32LE(crc32(out.subarray(PREFIX)), 4);
  return out;
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function copyFloat64(values: Float64Array, out: Buffer, offset: number): number {
  if (littleEndianHost) out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), offset);
  else values.forEach((value, i) => out.writeDoubleLE(value, offset + 8 * i));
  return offset + values.byteLength;
}

function decodeRecord(body: Buffer): LoggedPacket {
  const metaLength = body.readUInt32LE(0);
  const meta = JSON.parse(body.subarray(4, 4 + metaLength).toString('utf8')) as RecordMeta;
  const n = meta.shape.at(-1)!;
  let offset = 4 + metaLength;
  const x = readFloat64(body, offset, n);
  offset += 8 * n;
  const t = readFloat64(body, offset, n);
  offset += 8 * n;
  const dtype = parseDescr(meta.descr);
  const count = meta.shape.reduce((a, b) => a * b, 1);
  const data = body.subarray(offset, offset + count * dtype.itemsize);
  return {
    meta,
    x,
    t,
    y: {
      header: { version: 1, dtype, fortranOrder: meta.fortran, shape: meta.shape, dataOffset: 0, count, dataBytes: data.byteLength },
      data,
    },
  };
}

function readFloat64(body: Buffer, offset: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = body.readDoubleLE(offset + 8 * i);
  return out;
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
        buffer = Buffer.concat([buffer, chunk.subarray(0, bytesRead)]);
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
      yield decodeRecord(body);
      buffer = buffer.subarray(PREFIX + bodyLength);
    }
  } finally {
    await handle.close();
  }
}
