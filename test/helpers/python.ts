import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** Debian's python3 with numpy; the `python3` first on PATH may lack it. */
export const PYTHON = '/usr/bin/python3';

const run = promisify(execFile);

/** Runs `code` with `args` in sys.argv[1:] and returns its stdout. */
export async function runPython(code: string, args: readonly string[] = []): Promise<string> {
  const { stdout } = await run(PYTHON, ['-c', code, ...args], { maxBuffer: 64 * 1024 * 1024, timeout: 30_000 });
  return stdout;
}

/** Python source of `tagged()`, as in make_fixtures.py: tolist() with every number tagged as a string. */
export const PY_TAGGED = `
import math
def tagged(value):
    if isinstance(value, list):
        return [tagged(v) for v in value]
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return "i:" + str(value)
    if isinstance(value, complex):
        return [tagged(value.real), tagged(value.imag)]
    if math.isnan(value):
        return "f:NaN"
    if math.isinf(value):
        return "f:Infinity" if value > 0 else "f:-Infinity"
    return "f:" + repr(value)
`;
