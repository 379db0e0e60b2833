/**
 * `npm run load [-- --seconds 60 --subscribers 500 --uploads 20]`: holds many WebSocket subscribers
 * and concurrent uploads against a server in its own process, on loopback only, for a bounded
 * time, then reports deliveries, drops, latency, errors and the server's peak memory.
 */
import { mkdtempSync, openAsBlob, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { decodeDataFrame } from '../common/frames.js';
import { spawnServer } from '../test/helpers/serverProcess.js';
import { percentile, report, round } from './bench/stats.js';
import { writeNpyFile } from './bench/npyFile.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    subscribers: { type: 'string', default: '500' },
    uploads: { type: 'string', default: '20' },
    rate: { type: 'string', default: '50' },
  },
});
const seconds = Number(values.seconds);
const subscriberCount = Number(values.subscribers);
const uploadCount = Number(values.uploads);
const rate = Number(values.rate);

const scratch = mkdtempSync(join(tmpdir(), 'npy-load-'));
const server = await spawnServer(join(scratch, 'data'), ['--max-upload', '64MiB']);
const wsBase = server.url.replace('http', 'ws');
const epochMs = () => performance.timeOrigin + performance.now();

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, server.memory().rssMB)), 100);

// Subscribers: half ask for binary frames, half take the seed's JSON.
const latencies: number[] = [];
const totals = { delivered: 0, dropped: 0, errors: 0, closedEarly: 0 };
const subscribers = await Promise.all(
  Array.from({ length: subscriberCount }, (_, i) => {
    const ws = new WebSocket(`${wsBase}/ws/stream?channel=load`);
    const binary = i % 2 === 0;
    ws.on('message', (data: Buffer, isBinary) => {
      let timestamp: number;
      if (isBinary) timestamp = decodeDataFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).meta.timestamp;
      else {
        const message = JSON.parse(data.toString()) as { type: string; timestamp: number; count?: number };
        if (message.type === 'dropped') totals.dropped += message.count!;
        if (message.type !== 'data') return;
        timestamp = message.timestamp;
      }
      totals.delivered++;
      // Sample latencies so the array stays small.
      if (totals.delivered % 16 === 0) latencies.push(epochMs() - timestamp * 1000);
    });
    ws.on('error', () => totals.errors++);
    return new Promise<WebSocket>((resolve) =>
      ws.once('open', () => {
        ws.send(JSON.stringify({ action: 'ping', binary }));
        ws.on('close', () => running && totals.closedEarly++);
        resolve(ws);
      }),
    );
  }),
);
let running = true;

// One producer at `rate` packets/s of 100 samples, stamped with its send time for latency.
const publisher = new WebSocket(`${wsBase}/ws/publish?channel=load`);
await new Promise((resolve) => publisher.once('message', resolve));
let published = 0;
const started = performance.now();
const producer = setInterval(() => {
  const due = Math.floor(((performance.now() - started) / 1000) * rate);
  while (published < due) {
    published++;
    publisher.send(JSON.stringify({ timestamp: epochMs() / 1000, y: Array.from({ length: 100 }, (_, i) => Math.sin(published + i / 10)) }));
  }
}, 5);

// Uploaders: each uploads a 4 MiB array and deletes it again, over and over.
const uploadFile = join(scratch, 'load.npy');
await writeNpyFile(uploadFile, 4 * 2 ** 20);
const uploads = { ok: 0, failed: 0 };
const deadline = started + seconds * 1000;
const uploaders = Array.from({ length: uploadCount }, async () => {
  while (performance.now() < deadline) {
    try {
      const form = new FormData();
      form.append('file', await openAsBlob(uploadFile), 'load.npy');
      const response = await fetch(`${server.url}/upload`, { method: 'POST', body: form });
      const body = (await response.json()) as { index: number };
      if (!response.ok) throw new Error(String(response.status));
      uploads.ok++;
      await fetch(`${server.url}/array/${body.index}`, { method: 'DELETE' });
    } catch {
      uploads.failed++;
    }
  }
});
await Promise.all(uploaders);
clearInterval(producer);
await new Promise((r) => setTimeout(r, 500)); // in-flight packets arrive
running = false;
clearInterval(sampler);

const elapsed = (performance.now() - started) / 1000;
const expected = published * subscriberCount;
report({
  figure: 'load',
  seconds: round(elapsed),
  subscribers: subscriberCount,
  published_packets: published,
  delivered_packets: totals.delivered,
  expected_packets: expected,
  dropped_reported: totals.dropped,
  missing_unreported: expected - totals.delivered - totals.dropped,
  latency_p50_ms: round(percentile(latencies, 50), 2),
  latency_p99_ms: round(percentile(latencies, 99), 2),
  uploads_ok: uploads.ok,
  uploads_failed: uploads.failed,
  upload_MBps: round((uploads.ok * 4 * 2 ** 20) / 1e6 / elapsed),
  socket_errors: totals.errors,
  closed_early: totals.closedEarly,
  server_peak_rss_MB: Math.max(peakRss, server.memory().peakMB),
});
publisher.close();
subscribers.forEach((ws) => ws.close());
await server.stop();
rmSync(scratch, { recursive: true, force: true });
