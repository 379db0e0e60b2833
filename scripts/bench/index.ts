/**
 * `npm run bench`, first part: starts a server in its own process and prints one JSON line per
 * figure, each beside its target and the JSON (or seed) baseline measured or stated for comparison.
 * The UI figures follow from ui.bench.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { spawnServer } from '../../test/helpers/serverProcess.js';
import { report } from './stats.js';
import { benchRecording, benchReplayTiming } from './recording.js';
import { benchFanOut, benchLatency } from './streaming.js';
import { benchGets, benchLargeArrayMemory, benchUploads } from './transfer.js';

const scratch = mkdtempSync(join(tmpdir(), 'npy-bench-'));
const server = await spawnServer(join(scratch, 'data'));
report({
  figure: 'machine',
  cpus: cpus().length,
  cpu: cpus()[0]?.model,
  memory_GB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
});
try {
  await benchLargeArrayMemory(server, scratch);
  await benchUploads(server, scratch);
  await benchGets(server, scratch);
  await benchFanOut(server);
  await benchLatency(server);
  await benchRecording(server);
  await benchReplayTiming(server);
  report({ figure: 'server_memory', ...server.memory() });
} finally {
  await server.stop();
  rmSync(scratch, { recursive: true, force: true });
}
