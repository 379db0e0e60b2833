/**
 * CPU time of this machine's processes by what they are, read from /proc (Linux): Chromium's page thread, its
 * workers, the rest of its renderer, its GPU process and browser process, and Node (the server, the producers, the
 * bench runner). Taken around a measurement, it says what each redraw cost in CPU, which a busy machine does not
 * inflate the way it stretches the intervals between redraws.
 */
import { readFileSync, readdirSync } from 'node:fs';

export type CpuByKind = Record<string, number>;

/** Clock ticks (1/100 s) of user and system time in a /proc stat line, after the parenthesised name. */
function ticksOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process or thread ended meanwhile
  }
};

function tasksOf(pid: string): string[] {
  try {
    return readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
}

function rendererThreadKind(name: string, isMainThread: boolean): string {
  // The main thread keeps the process's name.
  if (isMainThread) return 'page_main_thread';
  if (name.startsWith('DedicatedWorker')) return 'page_workers';
  return 'renderer_other_threads';
}

/** CPU ms so far of every process and thread on this machine, summed by kind. */
export function machineCpuByKind(): CpuByKind {
  const out: CpuByKind = {};
  const add = (kind: string, ticks: number) => (out[kind] = (out[kind] ?? 0) + ticks * 10);
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    // Chromium rewrites its command line as one string, spaces between the arguments.
    const command = read(`/proc/${pid}/cmdline`)?.split(/[\0 ]/) ?? [];
    const type = command.find((arg) => arg.startsWith('--type='))?.slice('--type='.length);
    if (/chrom/.test(command[0] ?? '')) {
      if (type !== 'renderer') {
        const stat = read(`/proc/${pid}/stat`);
        if (stat) add(type === undefined ? 'browser' : type === 'gpu-process' ? 'gpu' : 'chromium_other', ticksOf(stat));
        continue;
      }
      for (const tid of tasksOf(pid)) {
        const stat = read(`/proc/${pid}/task/${tid}/stat`);
        if (stat) add(rendererThreadKind(stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), tid === pid), ticksOf(stat));
      }
    } else if (/node$/.test(command[0] ?? '')) {
      const stat = read(`/proc/${pid}/stat`);
      if (stat) add('node', ticksOf(stat));
    }
  }
  return out;
}

/** CPU ms per event between two readings, by kind, with their total. */
export function cpuPerEvent(before: CpuByKind, after: CpuByKind, events: number): CpuByKind {
  const per: CpuByKind = {};
  let total = 0;
  for (const kind of Object.keys(after).sort()) {
    const ms = (after[kind]! - (before[kind] ?? 0)) / Math.max(1, events);
    per[kind] = Math.round(ms * 10) / 10;
    total += ms;
  }
  return { ...per, total: Math.round(total * 10) / 10 };
}
