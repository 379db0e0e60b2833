/**
 * `npm run fuzz [-- --count N --npz N --raw N --messages N --seed S]`: the long fuzz run, against the server in
 * its own process so its memory is its own. Mutated `.npy` files go through the codec and are uploaded;
 * mutated `.npz` files (of ones NumPy wrote, broken in their zip structures too) are uploaded;
 * raw requests (request line, headers, upgrades) go over plain sockets; malformed and grammar-built
 * JSON messages go to both WebSockets; then slow and non-reading peers soak it, and 20 non-reading JSON
 * subscribers get 1M-float64 packets. The run fails on any crash, 5xx, hang, dropped socket, store
 * change, multi-line (stack trace) log, or server RSS at or above 300 MB.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fuzzJsonMessages } from '../test/fuzz/jsonFuzz.js';
import { fuzzNpzUploads, makeNpzSeeds } from '../test/fuzz/npzFuzz.js';
import { fuzzRawRequests } from '../test/fuzz/rawFuzz.js';
import { fuzzCodec, fuzzHttp, loadSeedCorpus } from '../test/fuzz/runFuzz.js';
import { soak } from '../test/fuzz/soak.js';
import { fuzzWebSockets } from '../test/fuzz/wsFuzz.js';
import { spawnServer } from '../test/helpers/serverProcess.js';
import { checkSlowSubscribers } from './bench/slowSubscribers.js';

const RSS_LIMIT_MB = 300;

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    npz: { type: 'string', default: '2000' },
    raw: { type: 'string', default: '100000' },
    messages: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
  },
});
const count = Number(values.count);
const seed = Number(values.seed);
const seeds = loadSeedCorpus();
const failures: string[] = [];
const print = (stage: string, figures: object) => console.log(JSON.stringify({ stage, ...figures }));

const codec = fuzzCodec(seeds, count * 10, seed);
print('codec', { ...codec, failures: codec.failures.length });
failures.push(...codec.failures);

const scratch = mkdtempSync(join(tmpdir(), 'npy-fuzz-'));
const dataDir = join(scratch, 'data');
let logLines = 0;
const server = await spawnServer(dataDir, [], (line) => {
  logLines++;
  // Every log line stands alone; a line starting with "at" is a stack trace leaking through.
  if (/^\s+at /.test(line)) failures.push(`server logged a stack trace: ${line}`);
});
let exited: number | null | undefined;
server.child.once('exit', (code) => (exited = code));
let peakRss = 0;
const sampleRss = () => {
  if (exited === undefined) peakRss = Math.max(peakRss, server.memory().rssMB);
};
const sampler = setInterval(sampleRss, 100);
const started = performance.now();

try {
  const http = await fuzzHttp(server.url, seeds, count, seed);
  const stored = ((await (await fetch(`${server.url}/arrays`)).json()) as { count: number }).count;
  const leftovers = readdirSync(join(dataDir, 'tmp')).length;
  print('http-upload', { ...http, failures: http.failures.length, stored, tempLeftovers: leftovers });
  failures.push(...http.failures);
  if (stored !== http.accepted) failures.push(`${stored} arrays stored for ${http.accepted} accepted uploads`);
  if (leftovers !== 0) failures.push(`${leftovers} temp files left behind`);

  const npz = await fuzzNpzUploads(server.url, await makeNpzSeeds(), Number(values.npz), { seed, tempDir: join(dataDir, 'tmp') });
  print('npz-upload', { ...npz, failures: npz.failures.length });
  failures.push(...npz.failures);

  const raw = await fuzzRawRequests(Number(new URL(server.url).port), Number(values.raw), seed, 8);
  print('raw-requests', { ...raw, failures: raw.failures.length });
  failures.push(...raw.failures);

  const ws = await fuzzWebSockets(server.url, seeds, count, seed);
  print('ws-malformed', { ...ws, failures: ws.failures.length });
  failures.push(...ws.failures);

  const json = await fuzzJsonMessages(server.url, Number(values.messages), seed);
  print('ws-json-grammar', { ...json, failures: json.failures.length });
  failures.push(...json.failures);

  const soaked = await soak(server.url, {
    channel: 'soak',
    packets: 200,
    packetValues: 100_000,
    nonReaders: 10,
    slowReaders: 3,
    flooders: 2,
    floodMessages: 100_000,
    onPacket: sampleRss,
  });
  print('soak', { ...soaked, failures: soaked.failures.length });
  failures.push(...soaked.failures);

  const healthy = (await fetch(`${server.url}/health`)).ok;
  if (!healthy) failures.push('the server is not healthy after the run');
} catch (err) {
  failures.push(`the run itself failed: ${(err as Error).stack}`);
} finally {
  clearInterval(sampler);
  sampleRss();
}
if (exited !== undefined) failures.push(`the server exited with ${exited}`);
if (peakRss >= RSS_LIMIT_MB) failures.push(`server RSS peaked at ${peakRss} MB, over ${RSS_LIMIT_MB} MB`);
print('server', {
  crashed: exited !== undefined,
  peakRssMB: peakRss,
  rssLimitMB: RSS_LIMIT_MB,
  logLines,
  seconds: Math.round((performance.now() - started) / 100) / 10,
});
await server.stop();
rmSync(scratch, { recursive: true, force: true });

const slow = await checkSlowSubscribers();
print('slow-json-subscribers', { ...slow, failures: slow.failures.length, targetGrowthMB: 100 });
failures.push(...slow.failures);
if (slow.growthMB >= 100) failures.push(`20 non-reading JSON subscribers grew the server by ${slow.growthMB} MB`);

for (const failure of failures.slice(0, 20)) console.error(failure);
console.log(failures.length === 0 ? 'fuzz: no failures' : `fuzz: ${failures.length} FAILURES`);
process.exit(failures.length === 0 ? 0 : 1);
