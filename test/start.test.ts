/** `npm start`'s first step, scripts/ensure-electron.mjs: one line, no stack trace, when Electron cannot be had. */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { HANG_MS } from './helpers/wait.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SCRIPT = join(ROOT, 'scripts', 'ensure-electron.mjs');
const electronDownloaded = existsSync(join(ROOT, 'node_modules', 'electron', 'path.txt'));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'npy-start-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function run(env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [SCRIPT], { cwd: ROOT, env: { ...process.env, ...env }, timeout: HANG_MS }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  );
}

it('explains a failed Electron download in one line, without a stack trace', async (context) => {
  if (electronDownloaded) context.skip('the Electron binary is already downloaded here, so there is no download to fail');
  // A mirror that refuses at once, and an empty cache, so nothing is fetched or reused.
  const result = await run({ ELECTRON_MIRROR: 'http://127.0.0.1:9/', electron_config_cache: dir, ELECTRON_OVERRIDE_DIST_PATH: '' });
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(
    /^npm start: Electron \d+\.\d+\.\d+'s binary is not installed and downloading it failed: .+\. It comes from github\.com/,
  );
  expect(lines[0]).toContain('`npm run serve`');
});

it('says nothing and succeeds when the Electron binary is there', async () => {
  const result = await run({ ELECTRON_OVERRIDE_DIST_PATH: dir });
  expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
});
