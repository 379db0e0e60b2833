import type { FileHandle } from 'node:fs/promises';
import type { NpyHeader } from '../../common/npy/header.js';
import {
  type ComplexPart,
  type PieceVisitor,
  type ReadGroup,
  copyGroup,
  numberReader,
  sliceReads,
  visitGroupValues,
} from '../../common/npy/pieces.js';
import type { SlicePlan } from '../../common/npy/slice.js';
import type { IntegerOffset } from '../../common/stats.js';

/** Reads in flight at once: enough to keep the disk busy on scattered elements, few enough to bound memory (× 4 MiB). */
const READS_IN_FLIGHT = 8;

/**
 * Reads the groups of a slice with positioned reads, a few at a time, and hands each filled
 * buffer to `use` in order. The buffers are reused from batch to batch (a 4 GiB scan would
 * otherwise allocate 4 GiB for the collector), so `use` must not keep them.
 * Memory: READS_IN_FLIGHT buffers of at most MAX_READ_BYTES.
 */
async function readGroups(
  handle: FileHandle,
  header: NpyHeader,
  plan: SlicePlan,
  use: (group: ReadGroup, buffer: Uint8Array) => void,
): Promise<void> {
  const pool: Uint8Array[] = [];
  let batch: ReadGroup[] = [];
  const flush = async () => {
    const buffers = await Promise.all(
      batch.map(async (group, slot) => {
        if ((pool[slot]?.length ?? -1) < group.length) pool[slot] = new Uint8Array(group.length);
        const buffer = pool[slot]!.subarray(0, group.length);
        const { bytesRead } = await handle.read(buffer, 0, group.length, header.dataOffset + group.start);
        if (bytesRead !== group.length) throw new Error(`short read: the stored file ended ${group.length - bytesRead} bytes early`);
        return buffer;
      }),
    );
    batch.forEach((group, i) => use(group, buffers[i]!));
    batch = [];
  };
  for (const group of sliceReads(header, plan)) {
    batch.push(group);
    if (batch.length === READS_IN_FLIGHT) await flush();
  }
  await flush();
}

/** The slice's element bytes in C order, in the file's dtype and byte order. */
export async function readSliceBytes(handle: FileHandle, header: NpyHeader, plan: SlicePlan): Promise<Uint8Array> {
  const { itemsize } = header.dtype;
  const out = new Uint8Array(plan.count * itemsize);
  await readGroups(handle, header, plan, (group, buffer) => copyGroup(group, buffer, out, itemsize));
  return out;
}

/**
 * Streams the slice's values as doubles (complex through `part`, 64-bit integers relative to the
 * first through `integers`) to `visit`, piece by piece; `visit` must not keep them.
 */
export async function scanSliceValues(
  handle: FileHandle,
  header: NpyHeader,
  plan: SlicePlan,
  part: ComplexPart,
  visit: PieceVisitor,
  integers?: IntegerOffset,
): Promise<void> {
  const read = numberReader(header.dtype, part, integers);
  const scratch = { values: new Float64Array(0) };
  const float64le = header.dtype.descr === '<f8';
  await readGroups(handle, header, plan, (group, buffer) => visitGroupValues(group, buffer, read, scratch, visit, float64le));
}
