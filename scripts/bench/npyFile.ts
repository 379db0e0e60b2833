import { open } from 'node:fs/promises';
import { dtypeFromName } from '../../common/npy/dtype.js';
import { encodeNpyHeader } from '../../common/npy/header.js';

export const MiB = 2 ** 20;

/** A float64 `.npy` of `dataBytes` data bytes on disk, written in 8 MiB chunks (sin values, not zeros). */
export async function writeNpyFile(path: string, dataBytes: number, shape = [dataBytes / 8]): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.write(encodeNpyHeader(dtypeFromName('float64'), shape, false));
    const chunk = new Float64Array(MiB).map((_, i) => Math.sin(i / 100));
    for (let written = 0; written < dataBytes; written += chunk.byteLength) {
      await handle.write(new Uint8Array(chunk.buffer, 0, Math.min(chunk.byteLength, dataBytes - written)));
    }
  } finally {
    await handle.close();
  }
}
