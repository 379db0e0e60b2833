import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { timedGet, timedUpload } from '../clients.js';
import { type Figure, compare } from '../context.js';
import { MiB, writeNpyFile } from '../npyFile.js';
import { round } from '../stats.js';

/** 1 GiB up and down again while watching our server's resident memory (the reference holds arrays in memory by design). */
export const largeArrayMemory: Figure = {
  name: 'large array memory',
  quick: false,
  async run(ctx) {
    const path = join(ctx.scratch, 'upload-1GiB.npy');
    await writeNpyFile(path, 1024 * MiB);
    let peak = ctx.ours.memory().rssMB;
    const sampler = setInterval(() => (peak = Math.max(peak, ctx.ours.memory().rssMB)), 20);
    try {
      const { ms, index } = await timedUpload('ts', ctx.ours.url, path);
      const download = await timedGet(`${ctx.ours.url}/array/${index}?format=npy`);
      await fetch(`${ctx.ours.url}/array/${index}`, { method: 'DELETE' });
      compare(ctx, {
        figure: 'large_array_1GiB_server_peak_rss',
        unit: 'MB',
        better: 'lower',
        ours: peak,
        reference: null,
        runs: 1,
        upload_MBps: round((1024 * MiB) / 1e6 / (ms / 1000)),
        download_MBps: round((1024 * MiB) / 1e6 / (download.ms / 1000)),
        target: '< 300 MB',
        met: peak < 300,
        note: 'the reference keeps every array in memory, so it has no bounded figure to compare',
      });
    } finally {
      clearInterval(sampler);
      await rm(path);
    }
  },
};

export const serverMemory: Figure = {
  name: 'server memory',
  quick: true,
  async run(ctx) {
    const { rssMB, peakMB } = ctx.ours.memory();
    compare(ctx, {
      figure: 'server_peak_rss_whole_bench',
      unit: 'MB',
      better: 'lower',
      ours: peakMB,
      reference: null,
      runs: 1,
      rss_now_MB: rssMB,
    });
  },
};
