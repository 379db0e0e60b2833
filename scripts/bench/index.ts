/**
 * `npm run bench`, first part: starts our server and the tutorial's reference server (../shared/reference)
 * side by side, each in its own process, and measures every figure in figures.ts against both with the
 * same client in the same run. Prints one JSON line per figure, then a table of ours, the reference and
 * the ratio (how many times better ours is). BENCH_QUICK=1 skips the slowest figures; BENCH_ONLY=upload,GET runs
 * only the figures whose names contain one of the words (`tsx scripts/bench/index.ts` alone skips the UI figures,
 * which follow from ui.bench.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { spawnServer } from '../../test/helpers/serverProcess.js';
import type { BenchContext, Comparison } from './context.js';
import { FIGURES } from './figures.js';
import { ROOT, type BenchServer, findReferenceDir, startDiscardServer, startReference } from './processes.js';
import { report } from './stats.js';

const quick = process.env.BENCH_QUICK === '1';
const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);
const selected = (name: string) => !only || only.some((word) => name.includes(word));
const reference = findReferenceDir();
if (!reference.dir) {
  console.error(
    `bench: the tutorial's reference server (reference_server.py) is missing; looked in:\n  ${reference.tried.join('\n  ')}\n` +
      'Put it in ../shared/reference beside the repository, or set BENCH_REFERENCE_DIR to its folder.',
  );
  process.exit(1);
}

// Scratch beside the repository's disk use: our data directory and the disk limit share one disk.
const scratch = mkdtempSync(join(ROOT, '.bench-'));
const started: BenchServer[] = [];
try {
  const ours = await spawnServer(join(scratch, 'data'));
  started.push({ url: ours.url, child: ours.child, stop: ours.stop });
  started.push(await startReference(reference.dir));
  started.push(await startDiscardServer());
  const ctx: BenchContext = {
    ours,
    reference: started[1]!,
    discard: started[2]!,
    scratch,
    quick,
    runs: 5,
    results: new Map(),
    limits: new Map(),
  };
  report({
    figure: 'machine',
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memory_GB: Math.round(totalmem() / 2 ** 30),
    load_average_1min: loadavg()[0],
    node: process.version,
    reference: reference.dir,
    quick,
  });
  for (const figure of FIGURES) if ((!quick || figure.quick) && selected(figure.name)) await figure.run(ctx);
  printTable([...ctx.results.values()], ctx.limits);
} finally {
  await Promise.all(started.map((server) => server.stop()));
  rmSync(scratch, { recursive: true, force: true });
}

function printTable(rows: Comparison[], limits: Map<string, number>): void {
  const table = rows.map((r) => ({
    figure: r.figure,
    ours: `${r.ours} ${r.unit}`,
    reference: r.reference === null ? '—' : `${r.reference} ${r.unit}`,
    ratio: r.ratio === null ? '—' : `${r.ratio}x`,
    target: r.target ?? '',
    met: r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  }));
  console.log('\nratio = how many times better ours is than the reference (same client, same run)');
  console.table(table);
  console.table([...limits].map(([limit, MBps]) => ({ limit, 'MB/s': Math.round(MBps) })));
}
