/**
 * A finished recording's packets read back from its stored arrays (see export.ts), one channel at a time and segment
 * after segment: each run of equal `seq` is one packet, with its x, t and y. Files are read sequentially in large
 * blocks, so a recording of any size replays in bounded memory.
 */
import { type FileHandle, open } from 'node:fs/promises';
import type { NpyArray } from '../../common/npy/codec.js';
import type { DType } from '../../common/npy/dtype.js';
import { type NpyHeader, parseNpyHeader } from '../../common/npy/header.js';
import { segmentKey } from '../../common/recordingKeys.js';
import { StateError } from '../stream/errors.js';
import { readFloat64 } from './packetLog.js';
import { SequentialReader } from './sequentialReader.js';
import type { RecordingArrays } from './recordings.js';

export interface StoredPacket {
  readonly x: Float64Array;
  readonly t: Float64Array;
  readonly y: NpyArray;
}

const BLOCK = 2 ** 20;
const HEADER_PROBE = 64 * 1024;

/** One stored `.npy`, read front to back. */
class ArrayFile {
  private constructor(
    private readonly handle: FileHandle,
    readonly header: NpyHeader,
    private readonly reader: SequentialReader,
  ) {}

  static async open(path: string): Promise<ArrayFile> {
    const handle = await open(path, 'r');
    try {
      const probe = Buffer.alloc(HEADER_PROBE);
      const { bytesRead } = await handle.read(probe, 0, probe.length, 0);
      const header = parseNpyHeader(probe.subarray(0, bytesRead));
      return new ArrayFile(handle, header, new SequentialReader(handle, header.dataOffset, BLOCK));
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** The next `bytes` bytes; fewer only at the end of the file. */
  take(bytes: number): Promise<Buffer> {
    return this.reader.take(bytes);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/** Lengths of the runs of equal values in an int64 array: each run is one packet's samples. */
class SeqRuns {
  private words = new Uint32Array(0);
  private index = 0;

  constructor(private readonly file: ArrayFile) {}

  /** The sample count of the next packet, or 0 at the end. */
  async next(): Promise<number> {
    if (this.index === this.words.length && !(await this.refill())) return 0;
    // Equality of int64 values, compared as their two 32-bit halves (whatever the byte order).
    const low = this.words[this.index]!;
    const high = this.words[this.index + 1]!;
    let n = 0;
    for (;;) {
      while (this.index < this.words.length && this.words[this.index] === low && this.words[this.index + 1] === high) {
        this.index += 2;
        n++;
      }
      if (this.index < this.words.length || !(await this.refill())) return n;
    }
  }

  private async refill(): Promise<boolean> {
    const bytes = await this.file.take(BLOCK);
    const words = new Uint32Array(Math.floor(bytes.length / 8) * 2);
    new Uint8Array(words.buffer).set(bytes.subarray(0, words.byteLength));
    this.words = words;
    this.index = 0;
    return words.length > 0;
  }
}

/** y's bytes of one packet, from Fortran order (each sample's k values together) back to C order ((k, n) rows). */
function toRows(columns: Uint8Array, k: number, n: number, size: number): Uint8Array {
  const out = new Uint8Array(columns.length);
  for (let j = 0; j < n; j++) {
    for (let r = 0; r < k; r++) out.set(columns.subarray((j * k + r) * size, (j * k + r + 1) * size), (r * n + j) * size);
  }
  return out;
}

/** One channel segment's four arrays. */
class Segment {
  private constructor(
    private readonly y: ArrayFile,
    private readonly x: ArrayFile,
    private readonly t: ArrayFile,
    private readonly seq: SeqRuns,
    private readonly files: ArrayFile[],
  ) {}

  static async open(paths: { y: string; x: string; t: string; seq: string }): Promise<Segment> {
    const files: ArrayFile[] = [];
    try {
      for (const path of [paths.y, paths.x, paths.t, paths.seq]) files.push(await ArrayFile.open(path));
    } catch (err) {
      await Promise.all(files.map((file) => file.close()));
      throw err;
    }
    const [y, x, t, seq] = files as [ArrayFile, ArrayFile, ArrayFile, ArrayFile];
    return new Segment(y, x, t, new SeqRuns(seq), files);
  }

  async next(): Promise<StoredPacket | undefined> {
    const n = await this.seq.next();
    if (n === 0) return undefined;
    const { dtype, shape } = this.y.header;
    const k = shape.length === 2 ? shape[0]! : 1;
    const xBytes = await this.x.take(8 * n);
    const tBytes = await this.t.take(8 * n);
    const yBytes = await this.y.take(k * n * dtype.itemsize);
    if (xBytes.length < 8 * n || tBytes.length < 8 * n || yBytes.length < k * n * dtype.itemsize)
      throw new StateError('a stored array of the recording is shorter than its seq');
    return {
      x: readFloat64(xBytes, 0, n),
      t: readFloat64(tBytes, 0, n),
      y: packetY(dtype, shape.length === 2 ? [k, n] : [n], shape.length === 2 ? toRows(yBytes, k, n, dtype.itemsize) : yBytes),
    };
  }

  close(): Promise<void> {
    return Promise.all(this.files.map((file) => file.close())).then(() => undefined);
  }
}

function packetY(dtype: DType, shape: number[], data: Uint8Array): NpyArray {
  const count = shape.reduce((a, b) => a * b, 1);
  return { header: { version: 1, dtype, fortranOrder: false, shape, dataOffset: 0, count, dataBytes: data.byteLength }, data };
}

/** The arrays of each segment of `channel`, in order (`{channel}`, `{channel}@1`, …). */
function segmentPaths(recording: RecordingArrays, channel: string, path: (index: number) => string | undefined) {
  const segments: { y: string; x: string; t: string; seq: string }[] = [];
  for (let i = 0; ; i++) {
    const key = segmentKey(channel, i);
    const find = (part: string) => {
      const index = recording.arrays.get(`${key}/${part}`);
      const found = index === undefined ? undefined : path(index);
      if (found === undefined && part !== 'y') throw new StateError(`the stored array ${key}/${part} of this recording was deleted`);
      return found;
    };
    const y = find('y');
    if (y === undefined) return segments;
    segments.push({ y, x: find('x')!, t: find('t')!, seq: find('seq')! });
  }
}

/** Every packet of one channel of a finished recording, in order; `close` releases the open files early. */
export class StoredChannel {
  private segment?: Segment;
  private next = 0;

  private constructor(private readonly segments: { y: string; x: string; t: string; seq: string }[]) {}

  /** Checks up front that every segment's arrays are still stored (StateError otherwise). */
  static of(recording: RecordingArrays, channel: string, path: (index: number) => string | undefined): StoredChannel {
    return new StoredChannel(segmentPaths(recording, channel, path));
  }

  async read(): Promise<StoredPacket | undefined> {
    for (;;) {
      if (!this.segment) {
        const paths = this.segments[this.next++];
        if (!paths) return undefined;
        this.segment = await Segment.open(paths);
      }
      const packet = await this.segment.next();
      if (packet) return packet;
      await this.close();
    }
  }

  async close(): Promise<void> {
    const segment = this.segment;
    this.segment = undefined;
    await segment?.close();
  }
}
