import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnServer } from '../../test/helpers/serverProcess.js';
import { benchRecording, benchReplayTiming } from './recording.js';
const scratch = mkdtempSync(join(tmpdir(), 'npy-bench-'));
const server = await spawnServer(join(scratch, 'data'));
try { await benchRecording(server); await benchReplayTiming(server); } finally { await server.stop(); rmSync(scratch, { recursive: true, force: true }); }
