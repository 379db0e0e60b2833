/**
 * The array viewer on a 4 GiB float64 array of shape (65536, 8192), as the viewer asks for it:
 * first every n-th element for an 800 × 500 pixel heatmap (`GET /array/0?slice=`), then the
 * min/max overview of the whole array in blocks (`GET /array/0/overview`), with the server's
 * peak memory. The file is written straight into a store folder, sparse, with a few rows of data.
 */
import { mkdir, open, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { dtypeFromName } from '../../common/npy/dtype.js';
import { encodeNpyHeader } from '../../common/npy/header.js';
import { spawnServer } from '../../test/helpers/serverProcess.js';
import { report, round } from './stats.js';

const SHAPE = [65536, 8192] as const;
const PIXELS = { width: 800, height: 500 };
const TARGETS = { firstImageMs: 1000, overviewMs: 10_000, peakRssMB: 300 };

/** Writes arrays/0.npy (sparse: only every 1024th row holds values) with its metadata, as the store keeps them. */
async function writeHugeStore(dataDir: string): Promise<void> {
  const arrays = join(dataDir, 'arrays');
  await mkdir(arrays, { recursive: true });
  const header = encodeNpyHeader(dtypeFromName('float64'), SHAPE, false);
  const rowBytes = SHAPE[1] * 8;
  const handle = await open(join(arrays, '0.npy'), 'w');
  try {
    await handle.write(header);
    const row = Float64Array.from({ length: SHAPE[1] }, (_, i) => Math.sin(i / 200));
    for (let r = 0; r < SHAPE[0]; r += 1024) await handle.write(new Uint8Array(row.buffer), 0, rowBytes, header.length + r * rowBytes);
    await handle.truncate(header.length + SHAPE[0] * rowBytes);
  } finally {
    await handle.close();
  }
  await writeFile(join(arrays, '0.json'), JSON.stringify({ index: 0, name: 'huge.npy', created: new Date().toISOString() }));
  await writeFile(join(dataDir, 'state.json'), JSON.stringify({ nextIndex: 1 }));
}

/** Baseline on this machine: a plain sequential read of the file's first `bytes`, in 4 MiB reads, scaled to the whole file. */
async function plainReadMs(path: string, bytes: number, total: number): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(4 << 20);
    const started = performance.now();
    for (let position = 0; position < bytes; position += buffer.length) await handle.read(buffer, 0, buffer.length, position);
    return ((performance.now() - started) * total) / bytes;
  } finally {
    await handle.close();
  }
}

async function timedGet(url: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.arrayBuffer();
  if (!response.ok) throw new Error(`${url}: ${response.status} ${new TextDecoder().decode(body)}`);
  return { ms: performance.now() - started, bytes: body.byteLength };
}

export async function benchHugeArrayViewer(scratch: string): Promise<void> {
  const dataDir = join(scratch, 'huge-data');
  await writeHugeStore(dataDir);
  const server = await spawnServer(dataDir);
  try {
    const rowStep = Math.ceil(SHAPE[0] / PIXELS.height);
    const colStep = Math.ceil(SHAPE[1] / PIXELS.width);
    const cpuAtStart = server.cpuSeconds();
    const first = await timedGet(`${server.url}/array/0?format=npy&slice=${encodeURIComponent(`::${rowStep},::${colStep}`)}`);
    const bins = [Math.ceil(SHAPE[0] / rowStep), Math.ceil(SHAPE[1] / colStep)];
    const cpuAfterFirst = server.cpuSeconds();
    const overview = await timedGet(`${server.url}/array/0/overview?format=npy&bins=${bins.join(',')}`);
    const cpuAfterOverview = server.cpuSeconds();
    const { peakMB } = server.memory();
    const fileBytes = SHAPE[0] * SHAPE[1] * 8;
    const plainMs = await plainReadMs(join(dataDir, 'arrays', '0.npy'), 512 << 20, fileBytes);
    report({
      figure: 'viewer_huge_array',
      shape: SHAPE,
      GiB: (SHAPE[0] * SHAPE[1] * 8) / 2 ** 30,
      first_strided_image_ms: round(first.ms),
      first_image_target_ms: TARGETS.firstImageMs,
      first_image_server_cpu_s: round(cpuAfterFirst - cpuAtStart, 2),
      overview_ms: round(overview.ms),
      overview_target_ms: TARGETS.overviewMs,
      // CPU time is what load does not inflate: on a loaded machine the wall time above is mostly waiting.
      overview_server_cpu_s: round(cpuAfterOverview - cpuAfterFirst, 2),
      overview_bins: bins,
      overview_GBps: round(fileBytes / 1e9 / (overview.ms / 1000), 2),
      // How the overview compares with merely reading the file here: the part of its time that is ours.
      plain_read_whole_file_ms_estimated: round(plainMs),
      overview_vs_plain_read: round(overview.ms / plainMs, 2),
      server_peak_rss_MB: peakMB,
      load_average_1min: round(loadavg()[0]!, 1),
      peak_rss_target_MB: TARGETS.peakRssMB,
      met: first.ms < TARGETS.firstImageMs && overview.ms < TARGETS.overviewMs && peakMB < TARGETS.peakRssMB,
    });
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

// `tsx scripts/bench/viewer.ts` runs this figure alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const scratch = mkdtempSync(join(tmpdir(), 'npy-bench-viewer-'));
  try {
    await benchHugeArrayViewer(scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
