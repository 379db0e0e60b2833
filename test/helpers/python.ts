import { FIXTURES_DIR } from './fixtures.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { HANG_MS } from './wait.js';

/** Debian's python3 with numpy; the `python3` first on PATH may lack it. */
export const PYTHON = '/usr/bin/python3';

const run = promisify(execFile);

/** Runs `code` with `args` in sys.argv[1:] and returns its stdout. */
export async function runPython(code: string, args: readonly string[] = []): Promise<string> {
  const { stdout } = await run(PYTHON, ['-c', code, ...args], { maxBuffer: 64 * 1024 * 1024, timeout: HANG_MS });
  return stdout;
}

/** Python prelude giving `tagged()` from test/fixtures/tagging.py, the same function the fixture writer uses. */
export const PY_TAGGED = `
import sys
sys.path.insert(0, ${JSON.stringify(FIXTURES_DIR)})
from tagging import tagged
`;
