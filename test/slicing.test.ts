/**
 * `GET /array/{i}?slice=` and `/overview` against NumPy itself: fast-check draws shapes, dtypes,
 * byte orders, memory orders and slice expressions; one python call writes each source array and
 * what NumPy's `a[...]` (or its bins' nanmin/nanmax) gives; the server must answer the same.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeNpy } from '../common/npy/codec.js';
import { toTypedArray } from '../common/npy/typed.js';
import type { ArrayStatsResponse } from '../common/protocol.js';
import { runPython } from './helpers/python.js';
import { type TestServer, startTestServer, uploadBytes } from './helpers/server.js';

const DESCRS = ['|b1', '|i1', '|u1', '<i2', '>i2', '<u4', '>i4', '<i8', '>u8', '<f2', '>f2', '<f4', '>f4', '<f8', '>f8', '<c8', '>c16'];

const dim = fc.oneof({ arbitrary: fc.integer({ min: 1, max: 6 }), weight: 6 }, { arbitrary: fc.constant(0), weight: 1 });
const bound = fc.option(fc.integer({ min: -8, max: 8 }), { nil: undefined });
const step = fc.option(
  fc.integer({ min: -3, max: 3 }).filter((s) => s !== 0),
  { nil: undefined },
);
const sliceItem = fc.oneof(
  fc.integer({ min: -4, max: 4 }).map(String),
  fc
    .tuple(bound, bound, step, fc.boolean())
    .map(([a, b, s, long]) => `${a ?? ''}:${b ?? ''}${s !== undefined || long ? `:${s ?? ''}` : ''}`),
);

interface Case {
  shape: number[];
  descr: string;
  fortran: boolean;
  slice: string;
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    shape: fc.array(dim, { minLength: 0, maxLength: 4 }),
    descr: fc.constantFrom(...DESCRS),
    fortran: fc.boolean(),
    items: fc.array(sliceItem, { maxLength: 4 }),
    ellipsisAt: fc.option(fc.nat({ max: 5 }), { nil: undefined }),
  })
  .map(({ shape, descr, fortran, items, ellipsisAt }) => {
    const all = [...items];
    if (ellipsisAt !== undefined) all.splice(Math.min(ellipsisAt, all.length), 0, '...');
    return { shape, descr, fortran, slice: all.join(',') };
  });

/** Writes src{i}.npy and exp{i}.npy (or err{i}.txt with NumPy's exception name). */
const WRITE_CASES = `
import json, sys, numpy as np
cases = json.load(open(sys.argv[1])); out = sys.argv[2]
for i, c in enumerate(cases):
    dt = np.dtype(c['descr']); shape = tuple(c['shape']); n = int(np.prod(shape))
    base = np.arange(n, dtype=np.float64) * 1.5 - 7
    if dt.kind == 'f': base[::5] = np.nan; base[1::7] = np.inf; base[3::11] = -np.inf
    if dt.kind == 'b': a = (np.arange(n) % 3 == 0)
    elif dt.kind == 'c': a = base + 1j * (base[::-1] if n else base)
    elif dt.kind == 'u': a = np.arange(n) * 977 + (2**63 + 5 if dt.itemsize == 8 else 0)
    elif dt.kind == 'i': a = np.arange(n) * 31 - 40 - (2**62 if dt.itemsize == 8 else 0)
    else: a = base
    a = np.asarray(a).astype(dt).reshape(shape, order='F' if c['fortran'] else 'C')
    if c['fortran']: a = np.asfortranarray(a)
    np.save(f'{out}/src{i}.npy', a)
    try:
        r = eval('a[' + (c['slice'] or '()') + ']')
    except Exception as e:
        open(f'{out}/err{i}.txt', 'w').write(type(e).__name__); continue
    np.save(f'{out}/exp{i}.npy', np.array(np.asarray(r).astype(dt), order='C'))
`;

let server: TestServer;
let dir: string;
beforeAll(async () => {
  server = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), 'npy-slicing-'));
});
afterAll(async () => {
  await server.dispose();
  await rm(dir, { recursive: true, force: true });
});

async function upload(path: string): Promise<number> {
  const response = await uploadBytes(server.url, new Uint8Array(await readFile(path)), 'x.npy');
  expect(response.status).toBe(200);
  return ((await response.json()) as { index: number }).index;
}

describe('GET /array/{i}?slice=', () => {
  it('gives exactly what NumPy gives, for random shapes, dtypes, byte orders, memory orders and slices', async () => {
    const cases = fc.sample(caseArb, { numRuns: 400, seed: 14 });
    await writeFile(join(dir, 'cases.json'), JSON.stringify(cases));
    await runPython(WRITE_CASES, [join(dir, 'cases.json'), dir]);
    let compared = 0;
    let refused = 0;
    for (const [i, c] of cases.entries()) {
      const index = await upload(join(dir, `src${i}.npy`));
      const response = await fetch(`${server.url}/array/${index}?format=npy&slice=${encodeURIComponent(c.slice)}`);
      const label = `case ${i}: ${c.descr} shape (${c.shape.join(', ')})${c.fortran ? ' F' : ''} a[${c.slice}]`;
      const error = await readFile(join(dir, `err${i}.txt`), 'utf8').catch(() => undefined);
      if (error) {
        expect(error, label).toBe('IndexError');
        expect(response.status, label).toBe(400);
        expect(((await response.json()) as { detail: string }).detail, label).toMatch(/index|indices/);
        refused++;
        continue;
      }
      expect(response.status, label).toBe(200);
      const got = decodeNpy(new Uint8Array(await response.arrayBuffer()));
      const want = decodeNpy(new Uint8Array(await readFile(join(dir, `exp${i}.npy`))));
      expect(got.header.dtype.descr, label).toBe(want.header.dtype.descr);
      expect(got.header.shape, label).toEqual(want.header.shape);
      expect(Buffer.from(got.data).equals(Buffer.from(want.data)), label).toBe(true);
      compared++;
    }
    // The generator must exercise both outcomes.
    expect(compared).toBeGreaterThan(150);
    expect(refused).toBeGreaterThan(10);
  });

  it('answers JSON shaped like tolist() of the slice', async () => {
    await runPython(`import numpy as np, sys\nnp.save(sys.argv[1], np.arange(24, dtype='>i4').reshape(2, 3, 4))`, [join(dir, 'json.npy')]);
    const index = await upload(join(dir, 'json.npy'));
    const response = await fetch(`${server.url}/array/${index}?slice=${encodeURIComponent('...,1:-1:2,-1')}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ index, shape: [2, 1], data: [[7], [19]] });
  });

  it.each([
    ['1:2:0', 422, /step cannot be zero/],
    ['a', 422, /not an integer/],
    ['...,...', 422, /single ellipsis/],
    ['1:2:3:4', 422, /start:stop:step/],
    ['0,0,0,0', 400, /too many indices/],
    ['5', 400, /index 5 is out of bounds for axis 0 with size 2/],
  ])('refuses slice=%s with %i and the reason', async (slice, status, reason) => {
    await runPython(`import numpy as np, sys\nnp.save(sys.argv[1], np.zeros((2, 3, 4)))`, [join(dir, 'bad.npy')]);
    const index = await upload(join(dir, 'bad.npy'));
    const response = await fetch(`${server.url}/array/${index}?slice=${encodeURIComponent(slice)}`);
    expect(response.status).toBe(status);
    expect(JSON.stringify(((await response.json()) as { detail: unknown }).detail)).toMatch(reason);
  });
});

const OVERVIEW_EXPECTED = `
import json, sys, math, numpy as np, warnings
warnings.simplefilter('ignore')
def num(x): return x if math.isfinite(x) else str(x).replace('inf', 'Infinity')
cases = json.load(open(sys.argv[1])); out = sys.argv[2]; results = []
for i, c in enumerate(cases):
    rng = np.random.default_rng(i)
    a = rng.normal(size=c['shape']) * 100
    a[rng.random(a.shape) < 0.1] = np.nan; a[rng.random(a.shape) < 0.03] = np.inf; a[rng.random(a.shape) < 0.03] = -np.inf
    a = a.astype(c['descr'])
    np.save(f'{out}/ov{i}.npy', np.asfortranarray(a) if c['fortran'] else a)
    s = a[tuple(slice(None, None, st) for st in c['steps'])]
    edges = [[math.ceil(j * L / B) for j in range(B + 1)] for L, B in zip(s.shape, c['bins'])]
    mins, maxs, means, nans = [], [], [], []
    for idx in np.ndindex(*c['bins']):
        block = s[tuple(slice(e[j], e[j + 1]) for e, j in zip(edges, idx))].astype(np.float64)
        fin = block[np.isfinite(block)]
        mins.append(num(float(np.nanmin(block))) if (~np.isnan(block)).any() else None)
        maxs.append(num(float(np.nanmax(block))) if (~np.isnan(block)).any() else None)
        means.append(float(fin.mean()) if fin.size else None)
        nans.append(int(np.isnan(block).sum()))
    results.append(dict(min=mins, max=maxs, mean=means, nan=nans))
print(json.dumps(results))
`;

describe('GET /array/{i}/overview', () => {
  it("matches NumPy's nanmin, nanmax and mean of each bin", async () => {
    const cases = fc.sample(
      fc
        .record({
          shape: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 2 }),
          descr: fc.constantFrom('<f8', '>f4', '<f2'),
          fortran: fc.boolean(),
        })
        .chain((base) =>
          fc.record({
            shape: fc.constant(base.shape),
            descr: fc.constant(base.descr),
            fortran: fc.constant(base.fortran),
            steps: fc.tuple(...base.shape.map(() => fc.integer({ min: 1, max: 3 }))),
            bins: fc.tuple(...base.shape.map((length) => fc.integer({ min: 1, max: length }))),
          }),
        ),
      { numRuns: 60, seed: 7 },
    );
    // A bin count above the sliced length is clamped by the server; keep NumPy's edges the same.
    for (const c of cases) c.bins = c.bins.map((b, k) => Math.min(b, Math.ceil(c.shape[k]! / c.steps[k]!)));
    await writeFile(join(dir, 'ov.json'), JSON.stringify(cases));
    const expected = JSON.parse(await runPython(OVERVIEW_EXPECTED, [join(dir, 'ov.json'), dir])) as Record<
      string,
      (number | string | null)[]
    >[];
    for (const [i, c] of cases.entries()) {
      const index = await upload(join(dir, `ov${i}.npy`));
      const slice = c.steps.map((s) => `::${s}`).join(',');
      const response = await fetch(`${server.url}/array/${index}/overview?format=npy&slice=${slice}&bins=${c.bins.join(',')}`);
      expect(response.status).toBe(200);
      const got = decodeNpy(new Uint8Array(await response.arrayBuffer()));
      const cells = c.bins.reduce((a, b) => a * b, 1);
      expect(got.header.shape).toEqual([4, ...c.bins]);
      const values = toTypedArray(got) as Float64Array;
      (['min', 'max', 'mean', 'nan'] as const).forEach((stat, s) => {
        const want = expected[i]![stat]!.map((v) => (v === null ? NaN : Number(v)));
        const have = [...values.subarray(s * cells, (s + 1) * cells)];
        for (const [j, w] of want.entries()) {
          if (Number.isFinite(w)) expect(have[j], `case ${i} ${stat}[${j}]`).toBeCloseTo(w, stat === 'mean' ? 6 : 12);
          else
            expect(Object.is(have[j], w) || (Number.isNaN(have[j]) && Number.isNaN(w)), `case ${i} ${stat}[${j}]: ${have[j]} vs ${w}`).toBe(
              true,
            );
        }
      });
    }
  });

  it('reduces one axis with axis=k and validates its parameters', async () => {
    await runPython(`import numpy as np, sys\nnp.save(sys.argv[1], np.arange(12.0).reshape(6, 2))`, [join(dir, 'axis.npy')]);
    const index = await upload(join(dir, 'axis.npy'));
    const response = await fetch(`${server.url}/array/${index}/overview?axis=0&bins=3`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      shape: [6, 2],
      bins: [3, 2],
      data: [
        [
          [0, 1],
          [4, 5],
          [8, 9],
        ],
        [
          [2, 3],
          [6, 7],
          [10, 11],
        ],
        [
          [1, 2],
          [5, 6],
          [9, 10],
        ],
        [
          [0, 0],
          [0, 0],
          [0, 0],
        ],
      ],
    });
    expect((await fetch(`${server.url}/array/${index}/overview?axis=2&bins=3`)).status).toBe(400);
    expect((await fetch(`${server.url}/array/${index}/overview?bins=0,1`)).status).toBe(422);
    expect((await fetch(`${server.url}/array/${index}/overview?bins=3`)).status).toBe(422);
    expect((await fetch(`${server.url}/array/${index}/overview`)).status).toBe(422);
  });
});

describe('GET /array/{i}/stats', () => {
  it('covers the finite values and counts NaN and ±Inf, like NumPy; empty arrays are empty', async () => {
    const code = `import numpy as np, sys
np.save(sys.argv[1], np.array([1, np.nan, np.inf, -np.inf, 2, 3, np.nan], dtype='>f8'))
np.save(sys.argv[2], np.zeros((0, 3)))
np.save(sys.argv[3], np.array([3+4j, 0-2j], dtype='<c8'))`;
    await runPython(code, [join(dir, 's1.npy'), join(dir, 's2.npy'), join(dir, 's3.npy')]);
    const [a, b, c] = [await upload(join(dir, 's1.npy')), await upload(join(dir, 's2.npy')), await upload(join(dir, 's3.npy'))];
    const stats = async (index: number, query = '') =>
      (await (await fetch(`${server.url}/array/${index}/stats${query}`)).json()) as ArrayStatsResponse;
    expect(await stats(a)).toEqual({
      index: a,
      shape: [7],
      dtype: '>f8',
      part: null,
      count: 7,
      finite: 3,
      nan: 2,
      posInf: 1,
      negInf: 1,
      min: 1,
      max: 3,
      mean: 2,
      std: Math.sqrt(2 / 3),
    });
    expect(await stats(a, '?slice=4:')).toMatchObject({ count: 3, finite: 2, nan: 1, min: 2, max: 3 });
    expect(await stats(b)).toMatchObject({ count: 0, finite: 0, min: null, mean: null });
    expect(await stats(c)).toMatchObject({ part: 'abs', min: 2, max: 5 });
    expect(await stats(c, '?part=imag')).toMatchObject({ part: 'imag', min: -2, max: 4 });
    expect((await fetch(`${server.url}/array/${c}/stats?part=angle`)).status).toBe(422);
  });

  it("keeps 64-bit integers' spread near 2^64: std, mean and range of the exact integers (doubles made the std 0)", async () => {
    // NumPy's own std of these is 0 (it works in float64): the exact values come from Python's integers.
    const code = `import numpy as np, sys, json, statistics
top = np.arange(2**64 - 200, 2**64, dtype=np.uint64)
low = np.array([-2**63, -2**63 + 7, -2**63 + 1], dtype='>i8')
np.save(sys.argv[1], top); np.save(sys.argv[2], low)
exact = [[int(x) for x in a] for a in (top, low)]
print(json.dumps([[statistics.pstdev(v), float(statistics.mean(v)), float(min(v)), float(max(v))] for v in exact]))`;
    const expected = JSON.parse(await runPython(code, [join(dir, 'u8.npy'), join(dir, 'i8.npy')])) as number[][];
    const [top, low] = [await upload(join(dir, 'u8.npy')), await upload(join(dir, 'i8.npy'))];
    for (const [index, [std, mean, min, max]] of [top, low].map((index, i) => [index, expected[i]!] as const)) {
      const stats = (await (await fetch(`${server.url}/array/${index}/stats`)).json()) as ArrayStatsResponse;
      expect(stats.std).toBeCloseTo(std!, 9);
      expect(stats.std).toBeGreaterThan(0);
      expect(stats).toMatchObject({ mean, min, max });
    }
  });
});
