/**
 * `npm run fuzz [-- --count N --seed S]`: the long fuzz run. Mutated `.npy` files go through the
 * codec and are uploaded to a real server, and as many malformed WebSocket messages are sent; the run
 * fails on any crash, 5xx, dropped socket, hang or store change.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from '../server/app.js';
import { silentLogger } from '../server/logger.js';
import { fuzzCodec, fuzzHttp, loadSeedCorpus } from '../test/fuzz/runFuzz.js';
import { fuzzWebSockets } from '../test/fuzz/wsFuzz.js';

const { values } = parseArgs({ options: { count: { type: 'string', default: '10000' }, seed: { type: 'string', default: '1' } } });
const count = Number(values.count);
const seed = Number(values.seed);
const seeds = loadSeedCorpus();

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

const codec = fuzzCodec(seeds, count * 10, seed);
console.log(JSON.stringify({ stage: 'codec', ...codec, failures: codec.failures.length }));

const dataDir = mkdtempSync(join(tmpdir(), 'npy-fuzz-'));
const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, logger: silentLogger });
const started = performance.now();
const http = await fuzzHttp(server.url, seeds, count, seed);
const stored = server.store.count;
const leftovers = readdirSync(join(dataDir, 'tmp')).length;
const ws = await fuzzWebSockets(server.url, seeds, count, seed);
const healthy = (await fetch(`${server.url}/health`)).ok;
await server.close();
rmSync(dataDir, { recursive: true, force: true });
clearInterval(sampler);

console.log(
  JSON.stringify({
    stage: 'http',
    ...http,
    failures: http.failures.length,
    stored,
    tempLeftovers: leftovers,
    healthy,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    peakRssMB: Math.round(peakRss / 2 ** 20),
  }),
);
console.log(JSON.stringify({ stage: 'websocket', ...ws, failures: ws.failures.length }));
for (const failure of [...codec.failures, ...http.failures, ...ws.failures].slice(0, 20)) console.error(failure);
const ok = [codec, http, ws].every((r) => r.failures.length === 0) && stored === http.accepted && leftovers === 0 && healthy;
console.log(ok ? 'fuzz: no failures' : 'fuzz: FAILURES');
process.exit(ok ? 0 : 1);
