import { mkdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ArrayListResponse, UploadResponse } from '../common/protocol.js';
import { NpyError } from '../common/npy/errors.js';
import { typedArrayToNpy } from '../common/npy/typed.js';
import { silentLogger } from '../server/logger.js';
import { ArrayStore } from '../server/store/arrayStore.js';
import { diffTagged, expected, fixtureBytes, parseJsonExact } from './helpers/fixtures.js';
import { type TestServer, capturingLogger, json, listDir, makeDataDir, startTestServer, uploadBytes } from './helpers/server.js';

const dirs: string[] = [];
const servers: TestServer[] = [];

async function freshDir(): Promise<string> {
  const dir = await makeDataDir();
  dirs.push(dir);
  return dir;
}

async function start(dataDir: string, logger = silentLogger): Promise<TestServer> {
  const server = await startTestServer({ dataDir, logger });
  servers.push(server);
  return server;
}

afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function upload(server: TestServer, fixture: string, name = `${fixture}.npy`): Promise<UploadResponse> {
  const response = await uploadBytes(server.url, fixtureBytes('valid', fixture), name);
  expect(response.status).toBe(200);
  return json<UploadResponse>(response);
}

async function list(server: TestServer): Promise<ArrayListResponse> {
  return json<ArrayListResponse>(await fetch(`${server.url}/arrays`));
}

async function npyBytes(server: TestServer, index: number): Promise<Buffer> {
  const response = await fetch(`${server.url}/array/${index}?format=npy`);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

const FIXTURES = ['f8_le', 'i8_be', 'c16_v3_fortran', 'b1_na', 'f8_v2'];

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('persistence across restarts', () => {
  it('lists every array with the same index, name, shape, dtype and created time, and identical bytes', async () => {
    const dir = await freshDir();
    const first = await start(dir);
    for (const name of FIXTURES) await upload(first, name, `saved ${name}.npy`);
    const before = await list(first);
    await first.close();

    const second = await start(dir);
    const after = await list(second);
    expect(after).toEqual(before);
    expect(after.arrays.map((a) => a.index)).toEqual([0, 1, 2, 3, 4]);
    for (const [i, name] of FIXTURES.entries()) {
      expect((await npyBytes(second, i)).equals(Buffer.from(fixtureBytes('valid', name))), name).toBe(true);
      const body = parseJsonExact(await (await fetch(`${second.url}/array/${i}`)).text()) as { data: unknown };
      expect(diffTagged(body.data, expected.valid[name]!.data), name).toBeUndefined();
    }
    expect((await upload(second, 'i4_le')).index).toBe(5);
  });

  it('never reuses an index, even after deleting the highest and restarting', async () => {
    const dir = await freshDir();
    const first = await start(dir);
    for (const name of ['f8_le', 'i4_le', 'u1_na']) await upload(first, name);
    expect((await fetch(`${first.url}/array/2`, { method: 'DELETE' })).status).toBe(200);
    await first.close();

    const second = await start(dir);
    expect((await list(second)).arrays.map((a) => a.index)).toEqual([0, 1]);
    expect((await upload(second, 'f4_le')).index).toBe(3);
    // Delete everything and restart once more: numbering still continues.
    for (const i of [0, 1, 3]) expect((await fetch(`${second.url}/array/${i}`, { method: 'DELETE' })).status).toBe(200);
    await second.close();
    const third = await start(dir);
    expect((await list(third)).count).toBe(0);
    expect((await upload(third, 'f4_le')).index).toBe(4);
  });

  it('gives concurrent uploads distinct indexes and keeps each one intact', async () => {
    const server = await start(await freshDir());
    const names = ['f8_le', 'i4_le', 'u1_na', 'c8_le', 'i8_be', 'f2_be', 'b1_fortran', 'u8_le'];
    const infos = await Promise.all(names.map((n) => upload(server, n)));
    expect(new Set(infos.map((i) => i.index)).size).toBe(names.length);
    expect(infos.map((i) => i.index).sort((a, b) => a - b)).toEqual(names.map((_, i) => i));
    for (const info of infos) {
      const fixture = info.name.replace(/\.npy$/, '');
      expect((await npyBytes(server, info.index)).equals(Buffer.from(fixtureBytes('valid', fixture))), fixture).toBe(true);
    }
  });
});

describe('recovery at start-up', () => {
  async function populated(): Promise<string> {
    const dir = await freshDir();
    const server = await start(dir);
    for (const name of ['f8_le', 'i4_le', 'u1_na', 'c16_le']) await upload(server, name);
    await server.close();
    return dir;
  }

  it('skips a truncated .npy with a warning and still starts', async () => {
    const dir = await populated();
    await truncate(join(dir, 'arrays', '1.npy'), fixtureBytes('valid', 'i4_le').length - 4);
    const logger = capturingLogger();
    const server = await start(dir, logger);
    expect((await list(server)).arrays.map((a) => a.index)).toEqual([0, 2, 3]);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toMatch(/array 1\b.*truncated data/);
    expect((await fetch(`${server.url}/array/1`)).status).toBe(404);
    expect(await json(await fetch(`${server.url}/health`))).toMatchObject({ status: 'healthy', arrays: 3 });
    // The skipped index is not handed out again.
    expect((await upload(server, 'f4_le')).index).toBe(4);
  });

  it('skips an .npy whose header is garbage', async () => {
    const dir = await populated();
    await writeFile(join(dir, 'arrays', '0.npy'), 'not an npy file at all');
    const logger = capturingLogger();
    const server = await start(dir, logger);
    expect((await list(server)).arrays.map((a) => a.index)).toEqual([1, 2, 3]);
    expect(logger.warnings.join('\n')).toMatch(/array 0\b.*magic/);
  });

  it('skips corrupt or mismatched metadata with a warning and still starts', async () => {
    const dir = await populated();
    await writeFile(join(dir, 'arrays', '2.json'), '{"index": 2, "name": ');
    const meta3 = JSON.parse(await readFile(join(dir, 'arrays', '3.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(dir, 'arrays', '3.json'), JSON.stringify({ ...meta3, index: 7 }));
    await writeFile(join(dir, 'state.json'), 'garbage');
    const logger = capturingLogger();
    const server = await start(dir, logger);
    expect((await list(server)).arrays.map((a) => a.index)).toEqual([0, 1]);
    expect(logger.warnings.filter((w) => /array 2\b/.test(w))).toHaveLength(1);
    expect(logger.warnings.filter((w) => /array 3\b/.test(w))).toHaveLength(1);
    // Even with state.json unreadable, indexes of files still on disk are not reused.
    expect((await upload(server, 'f4_le')).index).toBe(4);
  });

  it('skips metadata whose .npy is missing', async () => {
    const dir = await populated();
    await rm(join(dir, 'arrays', '3.npy'));
    const logger = capturingLogger();
    const server = await start(dir, logger);
    expect((await list(server)).arrays.map((a) => a.index)).toEqual([0, 1, 2]);
    expect(logger.warnings.join('\n')).toMatch(/array 3\b/);
  });

  it('removes an orphan .npy without metadata and everything left in tmp/', async () => {
    const dir = await populated();
    await writeFile(join(dir, 'arrays', '9.npy'), fixtureBytes('valid', 'f8_le'));
    await writeFile(join(dir, 'tmp', 'abandoned.npy'), new Uint8Array(1000));
    await mkdir(join(dir, 'tmp', 'nested'));
    await writeFile(join(dir, 'tmp', 'nested', 'x.json'), '{}');
    const logger = capturingLogger();
    const server = await start(dir, logger);
    expect(await listDir(join(dir, 'tmp'))).toEqual([]);
    expect(await listDir(join(dir, 'arrays'))).not.toContain('9.npy');
    expect((await list(server)).arrays.map((a) => a.index)).toEqual([0, 1, 2, 3]);
    expect(logger.warnings).toEqual([]);
    expect((await upload(server, 'f4_le')).index).toBe(4);
  });

  it("ignores files in arrays/ that are not the store's own", async () => {
    const dir = await populated();
    await writeFile(join(dir, 'arrays', 'notes.txt'), 'hello');
    await writeFile(join(dir, 'arrays', 'x.json'), '{}');
    const server = await start(dir, capturingLogger());
    expect((await list(server)).count).toBe(4);
  });

  it('creates its directories in a data dir that does not exist yet', async () => {
    const dir = join(await freshDir(), 'deep', 'er');
    const server = await start(dir);
    expect((await upload(server, 'f8_le')).index).toBe(0);
    expect(await listDir(join(dir, 'arrays'))).toEqual(['0.json', '0.npy']);
  });
});

describe('ArrayStore.stage', () => {
  it('accepts a file arriving one byte at a time, header split anywhere', async () => {
    const store = await ArrayStore.open(await freshDir(), { logger: silentLogger });
    const bytes = fixtureBytes('valid', 'c16_v3_fortran');
    const staged = await store.stage(chunksOf(bytes, 1), 'bytewise.npy');
    expect(staged.bytes).toBe(bytes.length);
    expect(staged.header.shape).toEqual([2, 3]);
    const info = await store.commit(staged);
    expect(info).toMatchObject({ index: 0, name: 'bytewise.npy', dtype: 'complex128', bytes: bytes.length });
    const read = await store.read(0);
    expect(Buffer.from(read!.data).equals(Buffer.from(bytes.subarray(read!.header.dataOffset)))).toBe(true);
  });

  it('stops writing at a bad header but still drains the source, and leaves no temp file', async () => {
    const dir = await freshDir();
    const store = await ArrayStore.open(dir, { logger: silentLogger });
    let consumed = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode('definitely not numpy');
      for (let i = 0; i < 50; i++) {
        consumed++;
        yield new Uint8Array(1024);
      }
    }
    await expect(store.stage(source(), 'bad.npy')).rejects.toThrow(NpyError);
    expect(consumed).toBe(50);
    expect(await listDir(join(dir, 'tmp'))).toEqual([]);
    expect(store.count).toBe(0);
  });

  it('refuses trailing or missing data at the end, and discard() removes a staged file', async () => {
    const dir = await freshDir();
    const store = await ArrayStore.open(dir, { logger: silentLogger });
    const good = typedArrayToNpy(new Float64Array(100));
    await expect(store.stage(chunksOf(new Uint8Array([...good, 0]), 64), 'x')).rejects.toThrow(/trailing/);
    await expect(store.stage(chunksOf(good.subarray(0, good.length - 1), 64), 'x')).rejects.toThrow(/truncated/);
    const staged = await store.stage(chunksOf(good, 64), 'x');
    expect(await listDir(join(dir, 'tmp'))).toHaveLength(1);
    await store.discard(staged);
    expect(await listDir(join(dir, 'tmp'))).toEqual([]);
    expect(store.list()).toEqual([]);
  });
});
