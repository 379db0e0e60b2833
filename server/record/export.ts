/**
 * Turns a recording's packet log into `.npy` files, one set per channel segment: `{channel}/y` ((N,) or (k, N) in the
 * producer's dtype), `{channel}/x` and `{channel}/t` ((N,) float64) and `{channel}/seq` ((N,) int64, each sample's packet).
 * A change of dtype or series count starts a new segment, `{channel}@1/…`. (k, N) arrays are written in Fortran order,
 * so each packet's samples append in one pass however large k is; np.load reads them as any other array.
 */
import { type FileHandle, open, rm } from 'node:fs/promises';
import { type DType, dtypeFromName, parseDescr } from '../../common/npy/dtype.js';
import { type NpyHeader, encodeNpyHeader, parseNpyHeader } from '../../common/npy/header.js';
import { segmentKey } from '../../common/recordingKeys.js';
import { BatchedWriter } from '../store/batchedWriter.js';
import { LogFormatError, type LoggedPacket, float64LeBytes, readLog } from './packetLog.js';

export interface ExportedArray {
  readonly name: string;
  readonly tempPath: string;
  readonly header: NpyHeader;
  readonly bytes: number;
}

interface Segment {
  readonly key: string;
  readonly dtype: DType;
  /** Series count, or undefined for 1-D packets. */
  readonly series: number | undefined;
  samples: number;
}

const FLOAT64 = dtypeFromName('float64');
const INT64 = dtypeFromName('int64');

/** Segments of each channel, in order, and which segment each record belongs to. */
async function planSegments(
  logPath: string,
  channels: readonly string[],
): Promise<{ segments: Segment[]; ofRecord: number[]; lastSeq: Record<string, number> }> {
  const lastSeq: Record<string, number> = {};
  const segments: Segment[] = [];
  const current = new Map<number, Segment>();
  const counts = new Map<number, number>();
  const ofRecord: number[] = [];
  for await (const { meta } of readLog(logPath)) {
    if (!(meta.c < channels.length)) throw new LogFormatError(`a record is of channel ${meta.c} of ${channels.length}`);
    const series = meta.shape.length === 2 ? meta.shape[0] : undefined;
    let segment = current.get(meta.c);
    if (!segment || segment.dtype.descr !== meta.descr || segment.series !== series) {
      const index = counts.get(meta.c) ?? 0;
      counts.set(meta.c, index + 1);
      segment = { key: segmentKey(channels[meta.c]!, index), dtype: parseDescr(meta.descr), series, samples: 0 };
      current.set(meta.c, segment);
      segments.push(segment);
    }
    segment.samples += meta.shape.at(-1)!;
    ofRecord.push(segments.indexOf(segment));
    lastSeq[channels[meta.c]!] = meta.seq;
  }
  return { segments, ofRecord, lastSeq };
}

interface OpenArray {
  readonly name: string;
  readonly tempPath: string;
  readonly header: Uint8Array;
  readonly handle: FileHandle;
  readonly writer: BatchedWriter;
  bytes: number;
}

export interface ExportedLog {
  readonly arrays: ExportedArray[];
  /** Packets read back from the log. */
  readonly packets: number;
  /** Per channel, the seq of its last packet in the log. */
  readonly lastSeq: Record<string, number>;
}

/** Writes every segment's four arrays to fresh paths from `tempPath()`; the caller commits or removes them. */
export async function exportLog(logPath: string, channels: readonly string[], tempPath: () => string): Promise<ExportedLog> {
  const { segments, ofRecord, lastSeq } = await planSegments(logPath, channels);
  const files: OpenArray[][] = [];
  try {
    for (const segment of segments) {
      const shapeY = segment.series === undefined ? [segment.samples] : [segment.series, segment.samples];
      files.push([
        await openArray(`${segment.key}/y`, encodeNpyHeader(segment.dtype, shapeY, segment.series !== undefined), tempPath()),
        await openArray(`${segment.key}/x`, encodeNpyHeader(FLOAT64, [segment.samples], false), tempPath()),
        await openArray(`${segment.key}/t`, encodeNpyHeader(FLOAT64, [segment.samples], false), tempPath()),
        await openArray(`${segment.key}/seq`, encodeNpyHeader(INT64, [segment.samples], false), tempPath()),
      ]);
    }
    let record = 0;
    for await (const packet of readLog(logPath)) {
      const [y, x, t, seq] = files[ofRecord[record++]!]!;
      await write(y!, columnMajor(packet));
      await write(x!, float64LeBytes(packet.x));
      await write(t!, float64LeBytes(packet.t));
      await write(seq!, seqBytes(packet.meta.seq, packet.t.length));
    }
    const out: ExportedArray[] = [];
    for (const file of files.flat()) {
      await file.writer.finish();
      await file.handle.sync();
      await file.handle.close();
      out.push({ name: file.name, tempPath: file.tempPath, header: parseNpyHeader(file.header), bytes: file.bytes });
    }
    return { arrays: out, packets: ofRecord.length, lastSeq };
  } catch (err) {
    for (const file of files.flat()) {
      await file.handle.close().catch(() => {});
      await rm(file.tempPath, { force: true });
    }
    throw err;
  }
}

async function openArray(name: string, header: Uint8Array, tempPath: string): Promise<OpenArray> {
  const handle = await open(tempPath, 'wx');
  const file: OpenArray = { name, tempPath, header, handle, writer: new BatchedWriter(handle), bytes: 0 };
  await write(file, header);
  return file;
}

async function write(file: OpenArray, bytes: Uint8Array): Promise<void> {
  file.bytes += bytes.length;
  await file.writer.write(bytes);
}

function seqBytes(seq: number, n: number): Uint8Array {
  const out = new Uint8Array(8 * n);
  const view = new DataView(out.buffer);
  view.setBigInt64(0, BigInt(seq), true);
  // Every sample of a packet has its seq: the first 8 bytes, repeated.
  for (let filled = 8; filled < out.length; filled *= 2) out.copyWithin(filled, 0, Math.min(filled, out.length - filled));
  return out;
}

/** y's bytes with each sample's k values together (Fortran order of (k, n)); 1-D and Fortran packets are already so. */
function columnMajor({ y }: LoggedPacket): Uint8Array {
  const { shape, fortranOrder, dtype } = y.header;
  if (shape.length === 1 || fortranOrder || shape[0] === 1 || shape[1] === 1) return y.data;
  const [k, n] = shape as [number, number];
  const size = dtype.itemsize;
  const out = new Uint8Array(y.data.length);
  for (let r = 0; r < k; r++) {
    for (let j = 0; j < n; j++) out.set(y.data.subarray((r * n + j) * size, (r * n + j + 1) * size), (j * k + r) * size);
  }
  return out;
}
