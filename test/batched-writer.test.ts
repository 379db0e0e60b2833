/** The upload writer: batches in order, background flushes while receiving, failures surfaced. */
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BatchedWriter } from '../server/store/batchedWriter.js';
import { makeDataDir } from './helpers/server.js';

const KiB = 1024;

async function withFile(run: (path: string) => Promise<void>): Promise<void> {
  const dir = await makeDataDir();
  try {
    await run(join(dir, 'out.bin'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('BatchedWriter', () => {
  it('writes every chunk in order and flushes to disk in the background every N bytes', async () => {
    await withFile(async (path) => {
      const handle = await open(path, 'w');
      let datasyncs = 0;
      const datasync = handle.datasync.bind(handle);
      handle.datasync = () => (datasyncs++, datasync());
      const writer = new BatchedWriter(handle, 64 * KiB, 256 * KiB);
      const chunks = Array.from({ length: 64 }, (_, i) => new Uint8Array(16 * KiB).fill(i));
      for (const chunk of chunks) await writer.write(chunk);
      await writer.finish();
      await handle.close();
      expect(Buffer.from(await readFile(path)).equals(Buffer.concat(chunks))).toBe(true);
      // 1 MiB written, flushed every 256 KiB, at most one flush at a time: between 1 and 4 flushes.
      expect(datasyncs).toBeGreaterThanOrEqual(1);
      expect(datasyncs).toBeLessThanOrEqual(4);
    });
  });

  it('never flushes in the background without a threshold', async () => {
    await withFile(async (path) => {
      const handle = await open(path, 'w');
      let datasyncs = 0;
      handle.datasync = async () => void datasyncs++;
      const writer = new BatchedWriter(handle, 16 * KiB);
      for (let i = 0; i < 32; i++) await writer.write(new Uint8Array(16 * KiB));
      await writer.finish();
      await handle.close();
      expect(datasyncs).toBe(0);
      expect((await readFile(path)).length).toBe(512 * KiB);
    });
  });

  it('reports a failed background flush from finish()', async () => {
    await withFile(async (path) => {
      const handle = await open(path, 'w');
      handle.datasync = () => Promise.reject(new Error('EIO: flush failed'));
      const writer = new BatchedWriter(handle, 16 * KiB, 16 * KiB);
      for (let i = 0; i < 4; i++) await writer.write(new Uint8Array(16 * KiB));
      await expect(writer.finish()).rejects.toThrow('EIO: flush failed');
      await handle.close();
    });
  });
});
