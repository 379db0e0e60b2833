import { type ChildProcess, fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(import.meta.dirname, '..', '..');

/** The standalone server in its own process, so its memory and CPU are its own. */
export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Current and peak resident memory in MiB, from /proc (Linux). */
  memory(): { rssMB: number; peakMB: number };
  /** CPU seconds the server has used so far (user + system, from /proc): a figure load does not inflate as it does wall time. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** CPU seconds (user + system) the process `pid` has used so far, from /proc (Linux). */
export function processCpuSeconds(pid: number): number {
  // Fields 14 and 15 of /proc/PID/stat, after the parenthesised command name, in clock ticks of 1/100 s.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** With `onLogLine`, the server's stderr (its warnings and errors) goes there line by line instead of to ours. */
export async function spawnServer(dataDir: string, extraArgs: string[] = [], onLogLine?: (line: string) => void): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', '--port', '0', '--data-dir', dataDir, ...extraArgs], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', onLogLine ? 'pipe' : 'inherit'],
  });
  if (onLogLine) createInterface({ input: child.stderr! }).on('line', onLogLine);
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (!match) return;
      resolve(match[1]!);
      child.stdout!.off('data', onData); // the stream keeps flowing; later output is discarded, not kept
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
  return {
    url,
    child,
    memory() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
      return { rssMB: Math.round(kb('VmRSS') / 1024), peakMB: Math.round(kb('VmHWM') / 1024) };
    },
    cpuSeconds: () => processCpuSeconds(child.pid!),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The app's server process (main/serverEntry.ts), forked by Node rather than Electron: the same messages flow. */
export function forkServerEntry(entry = join(ROOT, 'main', 'serverEntry.ts')): ChildProcess {
  return fork(entry.replace(/\.js$/, '.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
}
