import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { timedUpload, type UploadClient } from '../clients.js';
import { type BenchContext, type Figure, alternate, compare, timesBetter } from '../context.js';
import { MiB, writeNpyFile } from '../npyFile.js';
import { median } from '../stats.js';
import { DISK_LIMIT, discardLimit } from './limits.js';

/** Uploads of one file size to both servers, with the tutorial's client (`requests`) and ours. */
function uploadFigure(mib: number, quick: boolean): Figure {
  return {
    name: `upload ${mib} MiB`,
    quick,
    async run(ctx) {
      const path = join(ctx.scratch, `upload-${mib}.npy`);
      await writeNpyFile(path, mib * MiB);
      const { size } = await stat(path);
      // A 1 GiB upload takes the reference many seconds and stays in its memory: fewer runs.
      const runs = mib > 64 ? 1 : ctx.runs;
      try {
        for (const client of ['requests', 'ts'] as const) {
          const times = await alternate(runs, async (server) => {
            const { ms, index } = await timedUpload(client, ctx[server].url, path);
            // Ours keeps uploads on disk; the reference has no DELETE (it keeps arrays in memory until it stops).
            if (server === 'ours') await fetch(`${ctx.ours.url}/array/${index}`, { method: 'DELETE' });
            return ms;
          });
          const MBps = (ms: number) => size / 1e6 / (ms / 1000);
          const ours = MBps(median(times.ours));
          const reference = MBps(median(times.reference));
          compare(ctx, {
            figure: `upload_${mib}MiB_${client}`,
            unit: 'MB/s',
            better: 'higher',
            ours,
            reference,
            runs,
            ...(mib === 64 && client === 'requests' ? uploadTarget(ctx, client, ours, reference) : {}),
          });
        }
      } finally {
        await rm(path);
      }
    },
  };
}

/** ≥ 5× the reference, and ≥ 50 % of the lower limit (discard server with the same client; write + fsync). */
function uploadTarget(ctx: BenchContext, client: UploadClient, ours: number, reference: number) {
  const lowerLimit = Math.min(ctx.limits.get(discardLimit(client)) ?? NaN, ctx.limits.get(DISK_LIMIT) ?? NaN);
  return {
    target: `>= 5x and >= 50% of the lower limit (${Math.round(lowerLimit)} MB/s)`,
    met: timesBetter(ours, reference, 'higher') >= 5 && ours >= 0.5 * lowerLimit,
    of_lower_limit_pct: Math.round((100 * ours) / lowerLimit),
    // No server can beat the limit, so no ratio can beat this one: the 5x needs a client > 5x the reference.
    ratio_ceiling: Math.round((100 * lowerLimit) / reference) / 100,
  };
}

export const upload64MiB = uploadFigure(64, true);
export const upload1GiB = uploadFigure(1024, false);
