import { openAsBlob } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { NpyClient } from '../../../client/npyClient.js';
import { timedGet } from '../clients.js';
import { type BenchContext, type Figure, alternate, compare } from '../context.js';
import { writeNpyFile } from '../npyFile.js';
import { median } from '../stats.js';

const ELEMENTS = 1e6;

/**
 * GET of a 1e6-element float64 array: JSON the first time (rendered) and again (ours serves it from
 * its on-disk cache), a revalidation with If-None-Match, and `.npy`, which the reference does not have.
 */
export const arrayGet: Figure = {
  name: 'array GET 1e6',
  quick: true,
  async run(ctx) {
    const indexes = await uploadCopies(ctx, ctx.runs);
    const url = (server: 'ours' | 'reference', index: number, query = '') => `${ctx[server].url}/array/${index}${query}`;

    // Each run reads a copy nobody has read yet: the first GET of an array.
    const first = await alternate(ctx.runs, async (server, run) => (await timedGet(url(server, indexes[server][run]!))).ms);
    compare(ctx, {
      figure: 'get_1e6_json_first',
      unit: 'ms',
      better: 'lower',
      ours: median(first.ours),
      reference: median(first.reference),
      runs: ctx.runs,
      target: '>= 5x',
      met: median(first.reference) / median(first.ours) >= 5,
    });

    const repeated = await alternate(ctx.runs, async (server) => (await timedGet(url(server, indexes[server][0]!))).ms);
    compare(ctx, {
      figure: 'get_1e6_json_repeated',
      unit: 'ms',
      better: 'lower',
      ours: median(repeated.ours),
      reference: median(repeated.reference),
      runs: ctx.runs,
      target: '>= 15x',
      met: median(repeated.reference) / median(repeated.ours) >= 15,
    });

    const etag = (await fetch(url('ours', indexes.ours[0]!), { method: 'HEAD' })).headers.get('etag');
    const revalidations: number[] = [];
    for (let run = 0; run < ctx.runs; run++) {
      const { ms, status } = await timedGet(url('ours', indexes.ours[0]!), etag ? { 'if-none-match': etag } : {});
      if (status !== 304) throw new Error(`If-None-Match ${etag} answered ${status}, not 304`);
      revalidations.push(ms);
    }
    compare(ctx, {
      figure: 'get_1e6_json_if_none_match',
      unit: 'ms',
      better: 'lower',
      ours: median(revalidations),
      reference: null,
      runs: ctx.runs,
      note: 'ours answers 304 Not Modified; the reference sends no ETag, so a client can only fetch the JSON again',
    });

    const npy = await alternate(
      ctx.runs,
      async (server) => (await timedGet(url(server, indexes[server][0]!, server === 'ours' ? '?format=npy' : ''))).ms,
    );
    compare(ctx, {
      figure: 'get_1e6_npy',
      unit: 'ms',
      better: 'lower',
      ours: median(npy.ours),
      reference: median(npy.reference),
      runs: ctx.runs,
      note: 'the reference has no .npy route: its JSON GET, the only way to fetch the array from it, is the comparison',
    });

    await Promise.all(indexes.ours.map((index) => fetch(url('ours', index), { method: 'DELETE' })));
  },
};

/** `copies` uploads of the same 1e6-element array to each server, by index. */
async function uploadCopies(ctx: BenchContext, copies: number): Promise<{ ours: number[]; reference: number[] }> {
  const path = join(ctx.scratch, 'get-1e6.npy');
  await writeNpyFile(path, ELEMENTS * 8);
  try {
    const body = await openAsBlob(path);
    const indexes = { ours: [] as number[], reference: [] as number[] };
    for (const server of ['ours', 'reference'] as const) {
      const client = new NpyClient({ baseUrl: ctx[server].url });
      for (let i = 0; i < copies; i++) indexes[server].push((await client.uploadFile({ body, name: 'get-1e6.npy' })).index);
    }
    return indexes;
  } finally {
    await rm(path);
  }
}
