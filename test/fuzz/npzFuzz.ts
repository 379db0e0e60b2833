/**
 * `.npz` upload fuzzing: mutants of `.npz` files written by real NumPy (test/fixtures/make_npz.py), mutated like the
 * `.npy` seeds and, half the time, in their zip structures (sizes, offsets, counts, compression method, name lengths).
 * Each must get 200 or a 4xx with a string detail, within a deadline; what an accepted one stores must read back
 * alone and match the reply; and nothing stored before may change.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNpy } from '../../common/npy/codec.js';
import type { ArrayListResponse, UploadResponse } from '../../common/protocol.js';
import { runPython } from '../helpers/python.js';
import { type Random, mutate, seededRandom } from './mutate.js';
import type { FuzzResult } from './runFuzz.js';
import { HANG_MS } from '../helpers/wait.js';

/** The valid `.npz` files NumPy writes (savez, savez_compressed, a zip64 one), made afresh by make_npz.py. */
export async function makeNpzSeeds(): Promise<Uint8Array[]> {
  const dir = await mkdtemp(join(tmpdir(), 'npz-seeds-'));
  try {
    await runPython(await readFile(join(import.meta.dirname, '..', 'fixtures', 'make_npz.py'), 'utf8'), [dir]);
    return await Promise.all(
      ['savez.npz', 'compressed.npz', 'zip64.npz'].map(async (name) => new Uint8Array(await readFile(join(dir, name)))),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const int = (random: Random, below: number): number => Math.floor(random() * below);
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Where each zip record (by its signature) starts. */
function records(file: Uint8Array, signature: number): number[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out: number[] = [];
  for (let i = 0; i + 4 <= file.length; i++) if (view.getUint32(i, true) === signature) out.push(i);
  return out;
}

/** Field offsets (and widths) worth breaking, per record: local file header, central directory header, end records. */
const FIELDS: readonly [signature: number, fields: readonly [offset: number, bytes: 2 | 4 | 8][]][] = [
  [
    0x04034b50,
    [
      [8, 2],
      [14, 4],
      [18, 4],
      [22, 4],
      [26, 2],
      [28, 2],
    ],
  ],
  [
    0x02014b50,
    [
      [10, 2],
      [16, 4],
      [20, 4],
      [24, 4],
      [28, 2],
      [30, 2],
      [42, 4],
    ],
  ],
  [
    0x06054b50,
    [
      [8, 2],
      [10, 2],
      [12, 4],
      [16, 4],
    ],
  ],
  [
    0x06064b50,
    [
      [24, 8],
      [32, 8],
      [40, 8],
      [48, 8],
    ],
  ],
];

/** One zip field set to an edge value: 0, 1, all ones, one off, or random. */
function zipEdit(file: Uint8Array, random: Random): Uint8Array {
  const out = file.slice();
  const view = new DataView(out.buffer);
  const [signature, fields] = pick(random, FIELDS);
  const at = records(out, signature);
  if (at.length === 0) return out;
  const start = pick(random, at);
  const [offset, bytes] = pick(random, fields);
  if (start + offset + bytes > out.length) return out;
  const old = bytes === 2 ? view.getUint16(start + offset, true) : bytes === 4 ? view.getUint32(start + offset, true) : 0;
  const max = bytes === 2 ? 0xffff : 0xffffffff;
  const value = pick(random, [0, 1, max, old + 1, Math.max(0, old - 1), int(random, max + 1), 8, 99]) % (max + 1);
  if (bytes === 2) view.setUint16(start + offset, value, true);
  else if (bytes === 4) view.setUint32(start + offset, value, true);
  else view.setBigUint64(start + offset, pick(random, [0n, 1n, 0xffffffffffffffffn, BigInt(value)]), true);
  return out;
}

export function mutateNpz(seeds: readonly Uint8Array[], random: Random): Uint8Array {
  return random() < 0.5 ? zipEdit(pick(random, seeds), random) : mutate(seeds, random);
}

async function listed(baseUrl: string): Promise<ArrayListResponse['arrays']> {
  return ((await (await fetch(`${baseUrl}/arrays`)).json()) as ArrayListResponse).arrays;
}

/** One accepted upload's members, each read back alone: a valid `.npy` of the shape and dtype the reply gave. */
async function checkStored(baseUrl: string, body: UploadResponse): Promise<string | undefined> {
  for (const member of body.arrays ?? []) {
    const response = await fetch(`${baseUrl}/array/${member.index}?format=npy`);
    if (response.status !== 200) return `member ${member.name} reads back with ${response.status}`;
    const { header } = decodeNpy(new Uint8Array(await response.arrayBuffer()));
    if (header.dtype.str !== member.dtype || header.shape.join() !== member.shape.join())
      return `member ${member.name} reads back as ${header.dtype.str} ${JSON.stringify(header.shape)}, not as replied`;
  }
  return undefined;
}

/**
 * `count` `.npz` mutants uploaded, `concurrency` at a time. `tempDir` (the server's staging directory) must be empty
 * afterwards. Fails on a 5xx, a hang (no answer within 10 s), a 200 whose arrays do not read back, an array count
 * that is not what the accepted uploads added, or any array stored before that changed.
 */
export async function fuzzNpzUploads(
  baseUrl: string,
  seeds: readonly Uint8Array[],
  count: number,
  options: { seed?: number; concurrency?: number; tempDir?: string } = {},
): Promise<FuzzResult> {
  const random = seededRandom(options.seed ?? 1);
  const result: FuzzResult = { files: 0, accepted: 0, rejected: 0, failures: [] };
  const before = await listed(baseUrl);
  let added = 0;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const file = mutateNpz(seeds, random);
      try {
        const form = new FormData();
        form.append('file', new Blob([file as Uint8Array<ArrayBuffer>]), `fuzz-${i}.npz`);
        const response = await fetch(`${baseUrl}/upload`, { method: 'POST', body: form, signal: AbortSignal.timeout(HANG_MS) });
        const body = (await response.json()) as UploadResponse & { detail?: unknown };
        result.files++;
        if (response.status === 200) {
          result.accepted++;
          added += body.arrays?.length ?? 1;
          const wrong = await checkStored(baseUrl, body);
          if (wrong) result.failures.push(`mutant ${i}: ${wrong}`);
        } else if (response.status >= 400 && response.status < 500 && typeof body.detail === 'string') result.rejected++;
        else result.failures.push(`mutant ${i}: status ${response.status}, body ${JSON.stringify(body).slice(0, 200)}`);
      } catch (err) {
        result.failures.push(`mutant ${i}: ${(err as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  const after = await listed(baseUrl);
  const kept = new Map(after.map((info) => [info.index, JSON.stringify(info)]));
  const changed = before.filter((info) => kept.get(info.index) !== JSON.stringify(info));
  if (changed.length > 0) result.failures.push(`${changed.length} arrays stored before the run changed or vanished`);
  if (after.length !== before.length + added)
    result.failures.push(`${after.length - before.length} arrays stored for ${added} members of accepted uploads`);
  if (options.tempDir) {
    const leftovers = await readdir(options.tempDir);
    if (leftovers.length > 0) result.failures.push(`${leftovers.length} temp files left behind`);
  }
  return result;
}
