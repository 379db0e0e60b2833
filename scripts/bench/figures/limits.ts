import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { timedUpload, type UploadClient } from '../clients.js';
import type { BenchContext, Figure } from '../context.js';
import { MiB, writeNpyFile } from '../npyFile.js';
import { median, report, round } from '../stats.js';

/** Limit names, read by the upload figure's target. */
export const discardLimit = (client: UploadClient): string => `limit_upload_64MiB_discard_${client}`;
export const DISK_LIMIT = 'limit_write_fsync_64MiB';

/**
 * The two limits an upload cannot beat, measured in the same run: the same client against a server
 * that reads and discards the body, and writing plus fsyncing 64 MiB to our data directory's disk.
 */
export const uploadLimits: Figure = {
  name: 'upload limits',
  quick: true,
  async run(ctx) {
    const path = join(ctx.scratch, 'limit-64.npy');
    await writeNpyFile(path, 64 * MiB);
    try {
      for (const client of ['requests', 'ts'] as const) {
        const times: number[] = [];
        for (let run = 0; run < ctx.runs; run++) times.push((await timedUpload(client, ctx.discard.url, path)).ms);
        limit(ctx, discardLimit(client), 64 * MiB, times, `${client} client against a server that reads and discards the body`);
      }
      const times: number[] = [];
      for (let run = 0; run < ctx.runs; run++) times.push(await writeAndSync(join(ctx.scratch, `disk-${run}`), 64 * MiB));
      limit(ctx, DISK_LIMIT, 64 * MiB, times, '4 MiB writes then fsync, on the data directory disk');
    } finally {
      await rm(path);
    }
  },
};

function limit(ctx: BenchContext, figure: string, bytes: number, times: number[], note: string): void {
  const MBps = bytes / 1e6 / (median(times) / 1000);
  ctx.limits.set(figure, MBps);
  report({ figure, MBps: round(MBps), runs: times.length, note });
}

async function writeAndSync(path: string, bytes: number): Promise<number> {
  const block = Buffer.alloc(4 * MiB, 0x5a);
  const started = performance.now();
  const handle = await open(path, 'w');
  try {
    for (let written = 0; written < bytes; written += block.length) await handle.write(block);
    await handle.sync();
  } finally {
    await handle.close();
  }
  const ms = performance.now() - started;
  await rm(path);
  return ms;
}
