/**
 * The Python package's throughput (scripts/bench/python_bench.py) against a running bench server:
 * `ch.log()` of single float samples and `ch.send()` of 1,000-sample float32 packets, counted as
 * received and checked by a subscriber in another process. Its JSON figures are reported as they are.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { ServerProcess } from '../../test/helpers/serverProcess.js';
import { report } from './stats.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, 'python_bench.py');

export async function benchPython(server: ServerProcess): Promise<void> {
  const stdout = await new Promise<string>((resolve) => {
    execFile(PYTHON, [SCRIPT, '--server', server.url], { timeout: 600_000, maxBuffer: 1 << 20 }, (error, out, err) => {
      if (error)
        report({
          figure: 'python',
          error: `python_bench.py failed: ${String(err || error.message)
            .trim()
            .split('\n')
            .at(-1)}`,
        });
      resolve(out);
    });
  });
  for (const line of stdout.split('\n')) if (line.trim()) report(JSON.parse(line) as Record<string, unknown>);
}
