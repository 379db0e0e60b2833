/**
 * `npm run bench:recording [-- --url http://host:port] [--seconds S] [--packets N] [--only recording|paced|replay]`: the recording and replay figures
 * alone (replay's followed by the machine's own floors for it, across two processes and in one, for comparison), against a fresh server of ours in its own
 * process, or with `--url` one already running (e.g. under `node --cpu-prof`, for profiling; `--pid` then gives its
 * process id for the CPU figures).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnServer } from '../../test/helpers/serverProcess.js';
import { ROOT } from './processes.js';
import { benchLoopbackFloor, benchRecording, benchReplayTiming, benchTimerFloor } from './recording.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    pid: { type: 'string' },
    only: { type: 'string' },
    seconds: { type: 'string', default: '5' },
    packets: { type: 'string', default: '10000' },
  },
});
const scratch = mkdtempSync(join(ROOT, '.bench-'));
const server = values.url
  ? { url: values.url, pid: values.pid === undefined ? undefined : Number(values.pid), stop: () => Promise.resolve() }
  : await spawnServer(join(scratch, 'data')).then((spawned) => ({ url: spawned.url, pid: spawned.child.pid, stop: spawned.stop }));
try {
  if (values.only !== 'replay') await benchRecording(server, Number(values.seconds), values.only !== 'paced');
  if (values.only !== 'recording' && values.only !== 'paced') {
    await benchReplayTiming(server, Number(values.packets));
    await benchLoopbackFloor(Number(values.packets));
    await benchTimerFloor(Number(values.packets));
  }
} finally {
  await server.stop();
  rmSync(scratch, { recursive: true, force: true });
}
