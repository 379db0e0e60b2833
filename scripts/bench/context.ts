import type { ServerProcess } from '../../test/helpers/serverProcess.js';
import type { BenchServer } from './processes.js';
import { report, round } from './stats.js';

/** Everything a figure may use. Servers run in their own processes; the bench process is the client. */
export interface BenchContext {
  readonly ours: ServerProcess;
  readonly reference: BenchServer;
  /** Reads and discards upload bodies: the upload limit on the client's side. */
  readonly discard: BenchServer;
  /** Scratch space on the same disk as our server's data directory. */
  readonly scratch: string;
  /** BENCH_QUICK=1: skips the slowest figures (1 GiB uploads, fan-out), so a run stays short. */
  readonly quick: boolean;
  /** Repetitions of each target figure (median of these). */
  readonly runs: number;
  /** Figures already reported, by name, for targets that depend on earlier ones (the upload limits). */
  readonly results: Map<string, Comparison>;
  /** Limits measured in this run (MB/s), by name. */
  readonly limits: Map<string, number>;
}

/** One figure of `npm run bench`: a module registered in figures.ts. */
export interface Figure {
  readonly name: string;
  /** Also runs under BENCH_QUICK=1. */
  readonly quick: boolean;
  run(ctx: BenchContext): Promise<void>;
}

export type Better = 'higher' | 'lower';

/** One bench line: ours beside the reference's figure, the same client, the same run. */
export interface Measured {
  readonly figure: string;
  readonly unit: string;
  readonly better: Better;
  readonly ours: number;
  /** null where the reference has nothing comparable (the note says why). */
  readonly reference: number | null;
  readonly runs: number;
  readonly target?: string;
  readonly met?: boolean;
  readonly note?: string;
}

/** A reported line: how many times better ours is (>1: ours is better), whichever direction `better` says. */
export type Comparison = Measured & { readonly ratio: number | null } & Record<string, unknown>;

export const timesBetter = (ours: number, reference: number, better: Better): number =>
  better === 'higher' ? ours / reference : reference / ours;

/** Prints one comparison as a JSON line and keeps it for the summary table. Extra fields are printed as given. */
export function compare(ctx: BenchContext, line: Measured & Record<string, unknown>): Comparison {
  const { reference, ours, better } = line;
  const ratio = reference === null ? null : round(timesBetter(ours, reference, better), 2);
  const full: Comparison = { ...line, ours: round(ours, 3), reference: reference === null ? null : round(reference, 3), ratio };
  ctx.results.set(line.figure, full);
  report(full);
  return full;
}

/**
 * Measures ours and the reference alternately, `runs` times each, so load on the shared machine
 * falls on both alike; returns every sample of each.
 */
export async function alternate<T>(
  runs: number,
  measure: (server: 'ours' | 'reference', run: number) => Promise<T>,
): Promise<{ ours: T[]; reference: T[] }> {
  const out = { ours: [] as T[], reference: [] as T[] };
  for (let run = 0; run < runs; run++) {
    // Who goes first alternates too, so neither always runs right after the other's cleanup.
    const order = run % 2 === 0 ? (['ours', 'reference'] as const) : (['reference', 'ours'] as const);
    for (const server of order) out[server].push(await measure(server, run));
  }
  return out;
}
