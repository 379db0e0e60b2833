/** `.npz` uploads: files written by real NumPy (savez, savez_compressed, zip64), refused ones, and a fuzz run. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeNpy } from '../common/npy/codec.js';
import { toTypedArray } from '../common/npy/typed.js';
import type { UploadResponse } from '../common/protocol.js';
import { fuzzNpzUploads } from './fuzz/npzFuzz.js';
import { runPython } from './helpers/python.js';
import { type TestServer, json, listDir, startTestServer, uploadBytes } from './helpers/server.js';

interface Made {
  members: Record<string, { shape: number[]; dtype: string; values: (number | boolean)[] }>;
  zip64_extra: boolean;
  bomb_size: number;
}

let dir: string;
let made: Made;
let server: TestServer;
const file = async (name: string) => new Uint8Array(await readFile(join(dir, name)));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'npz-fixtures-'));
  made = JSON.parse(await runPython(await readFile(new URL('./fixtures/make_npz.py', import.meta.url), 'utf8'), [dir])) as Made;
  // 16 MiB: the honest bomb (64 MiB inflated) is over it, every valid file far under.
  server = await startTestServer({ maxUploadBytes: 16 * 2 ** 20 });
});

afterAll(async () => {
  await server.dispose();
  await rm(dir, { recursive: true, force: true });
});

async function upload(name: string): Promise<Response> {
  return uploadBytes(server.url, await file(name), name);
}

describe('.npz uploads written by NumPy', () => {
  it.each(['savez.npz', 'compressed.npz', 'zip64.npz'])('%s: every member stored alone, exact, in one group', async (name) => {
    const response = await upload(name);
    expect(response.status).toBe(200);
    const body = await json<UploadResponse>(response);
    const members = name === 'zip64.npz' ? ['a', 'b'] : ['a', 'b', 'c'];
    // The tutorial's fields describe the first member.
    expect(body).toMatchObject({ status: 'success', name: 'a', shape: [3, 4], dtype: 'int16' });
    expect(body.arrays!.map((a) => a.name)).toEqual(members);
    expect(body.group).toMatch(/^npz-/);
    for (const ref of body.arrays!) {
      const want = made.members[ref.name]!;
      expect(ref.shape).toEqual(want.shape);
      const npy = new Uint8Array(await (await fetch(`${server.url}/array/${ref.index}?format=npy`)).arrayBuffer());
      const values = Array.from(toTypedArray(decodeNpy(npy)) as ArrayLike<number>);
      expect(values).toEqual(want.values.map(Number));
      expect((await json<{ data: unknown }>(await fetch(`${server.url}/array/${ref.index}`))).data).toBeDefined();
    }
    const listed = (await json<{ arrays: { index: number; group?: string }[] }>(await fetch(`${server.url}/arrays`))).arrays;
    expect(listed.filter((a) => a.group === body.group).map((a) => a.index)).toEqual(body.arrays!.map((a) => a.index));
    const download = new Uint8Array(await (await fetch(`${server.url}/groups/${body.group}`)).arrayBuffer());
    expect(Buffer.from(download).equals(Buffer.from(await file(name)))).toBe(true);
  });

  it('the zip64 fixture really uses zip64 records', () => {
    expect(made.zip64_extra).toBe(true);
  });
});

describe('refused .npz uploads', () => {
  it.each([
    ['pickled.npz', /member "bad": unsupported dtype/],
    ['bomb_declared.npz', /zip bomb/],
    ['bomb_lying.npz', /too many bytes|bytes|size/i],
    ['truncated.npz', /Invalid npz file/],
    ['data.csv', /text file \(CSV/],
  ])('%s gets 400 with a reason, and nothing is stored', async (name, reason) => {
    const before = await json<{ count: number }>(await fetch(`${server.url}/arrays`));
    const response = await upload(name);
    expect(response.status).toBe(400);
    expect((await json<{ detail: string }>(response)).detail).toMatch(reason);
    expect((await json<{ count: number }>(await fetch(`${server.url}/arrays`))).count).toBe(before.count);
    expect(await listDir(join(server.dataDir, 'tmp'))).toEqual([]);
  });

  it('refuses a member whose bytes are not those its CRC-32 records (a flipped data bit), as NumPy would', async () => {
    const corrupt = await file('savez.npz');
    const npy = Buffer.from(corrupt).indexOf('\x93NUMPY', 0, 'latin1');
    corrupt[npy + 128 + 1]! ^= 0x01; // a data byte of member "a" (its header is NumPy's 128 bytes)
    const response = await uploadBytes(server.url, corrupt, 'corrupt.npz');
    expect(response.status).toBe(400);
    expect((await json<{ detail: string }>(response)).detail).toMatch(/member "a.npy" is corrupt: its CRC-32/);
    expect(await listDir(join(server.dataDir, 'tmp'))).toEqual([]);
  });

  it('answers 200 or a 4xx detail for each of 300 mutants of NumPy .npz files, never a 5xx, changing nothing stored', async () => {
    const seeds = await Promise.all(['savez.npz', 'compressed.npz', 'zip64.npz'].map(file));
    const result = await fuzzNpzUploads(server.url, seeds, 300, { seed: 11, concurrency: 1, tempDir: join(server.dataDir, 'tmp') });
    expect(result.failures).toEqual([]);
    expect(result.files).toBe(300);
    expect(result.rejected).toBeGreaterThan(100);
    expect((await json<{ status: string }>(await fetch(`${server.url}/health`))).status).toBe('healthy');
  });
});
