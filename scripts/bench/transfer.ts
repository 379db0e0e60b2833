import { createReadStream } from 'node:fs';
import http from 'node:http';
import { pipeline } from 'node:stream/promises';
import { open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeNpyHeader } from '../../common/npy/header.js';
import { dtypeFromName } from '../../common/npy/dtype.js';
import type { ServerProcess } from '../../test/helpers/serverProcess.js';
import { median, report, round } from './stats.js';

const MiB = 2 ** 20;
/** The Python original on a 2-core machine, as the issue states them. */
const SEED = { uploadMBps: 120, jsonGet1e6Ms: 1500 };

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

/**
 * Uploads a file as multipart field `file`, streamed from disk by node:http: a lean client, so the
 * figure is the server's (fetch's FormData costs as much CPU as the server on these 2 cores).
 */
async function upload(url: string, path: string): Promise<{ ms: number; index: number }> {
  const boundary = `npy-bench-${Date.now()}`;
  const preamble = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.npy"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  const epilogue = `\r\n--${boundary}--\r\n`;
  const { size } = await stat(path);
  const started = performance.now();
  const request = http.request(`${url}/upload`, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': preamble.length + size + epilogue.length },
  });
  const response = new Promise<http.IncomingMessage>((resolve, reject) => request.once('response', resolve).once('error', reject));
  request.write(preamble);
  await pipeline(createReadStream(path, { highWaterMark: 2 ** 20 }), request, { end: false });
  request.end(epilogue);
  const body = JSON.parse(await text(await response)) as { index: number; detail?: string };
  if (body.detail) throw new Error(`upload failed: ${body.detail}`);
  return { ms: performance.now() - started, index: body.index };
}

async function text(response: http.IncomingMessage): Promise<string> {
  let out = '';
  for await (const chunk of response) out += chunk;
  return out;
}

/** Time to receive a whole response body, read and discarded by node:http. */
async function timedGet(url: string): Promise<number> {
  const started = performance.now();
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => http.get(url, resolve).once('error', reject));
  for await (const _chunk of response);
  return performance.now() - started;
}

export async function benchUploads(server: ServerProcess, scratch: string): Promise<void> {
  for (const [mib, runs] of [
    [64, 5],
    [512, 2],
  ] as const) {
    const path = join(scratch, `upload-${mib}.npy`);
    await writeNpyFile(path, mib * MiB);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const { ms, index } = await upload(server.url, path);
      times.push(ms);
      await fetch(`${server.url}/array/${index}`, { method: 'DELETE' });
    }
    await rm(path);
    const mbps = (mib * MiB) / 1e6 / (median(times) / 1000);
    report({
      figure: `upload_${mib}MiB`,
      MBps: round(mbps),
      runs,
      target_MBps: 600,
      seed_python_MBps: SEED.uploadMBps,
      ratio_vs_seed: round(mbps / SEED.uploadMBps, 2),
    });
  }
}

export async function benchGets(server: ServerProcess, scratch: string): Promise<void> {
  const path = join(scratch, 'get-1e6.npy');
  await writeNpyFile(path, 8e6);
  const { index } = await upload(server.url, path);
  await rm(path);
  const npy: number[] = [];
  const json: number[] = [];
  for (let i = 0; i < 7; i++) {
    npy.push(await timedGet(`${server.url}/array/${index}?format=npy`));
    json.push(await timedGet(`${server.url}/array/${index}`));
  }
  const npyMs = median(npy);
  const jsonMs = median(json);
  report({
    figure: 'get_1e6_float64_json',
    ms: round(jsonMs),
    target_ms: 300,
    seed_python_ms: SEED.jsonGet1e6Ms,
    ratio_vs_seed: round(SEED.jsonGet1e6Ms / jsonMs, 2),
  });
  report({
    figure: 'get_1e6_float64_npy',
    ms: round(npyMs),
    target_ms: 30,
    json_baseline_ms: round(jsonMs),
    speedup_vs_json: round(jsonMs / npyMs, 1),
  });
}

/** 1 GiB up and down again while watching the server's resident memory. */
export async function benchLargeArrayMemory(server: ServerProcess, scratch: string): Promise<void> {
  const path = join(scratch, 'upload-1GiB.npy');
  await writeNpyFile(path, 1024 * MiB);
  let peak = server.memory().rssMB;
  const sampler = setInterval(() => (peak = Math.max(peak, server.memory().rssMB)), 20);
  try {
    const { ms, index } = await upload(server.url, path);
    const downloadMs = await timedGet(`${server.url}/array/${index}?format=npy`);
    await fetch(`${server.url}/array/${index}`, { method: 'DELETE' });
    report({
      figure: 'large_array_1GiB',
      upload_MBps: round((1024 * MiB) / 1e6 / (ms / 1000)),
      download_MBps: round((1024 * MiB) / 1e6 / (downloadMs / 1000)),
      server_peak_rss_MB: peak,
      target_rss_MB: 300,
    });
  } finally {
    clearInterval(sampler);
    await rm(path);
  }
}
