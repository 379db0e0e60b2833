/** GET /array/{i} as JSON: rendered once, cached on disk, revalidated with ETag / If-None-Match. */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonDataChunks } from '../common/npy/json.js';
import { typedArrayToNpy } from '../common/npy/typed.js';
import { decodeNpy } from '../common/npy/codec.js';
import type { UploadResponse } from '../common/protocol.js';
import { ArrayStore } from '../server/store/arrayStore.js';
import { JsonCache } from '../server/store/jsonCache.js';
import { silentLogger } from '../server/logger.js';
import { type TestServer, json, listDir, makeDataDir, startTestServer, uploadBytes } from './helpers/server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.dispose();
  server = undefined;
});

/** Values whose text takes every path of the float formatter: integral, non-finite, -0, huge, tiny. */
const VALUES = new Float64Array([0.1, 1, -0, NaN, Infinity, -Infinity, 1e21, 5e-324, 2.5, -7, 1 / 3, 1e-7, 123456789.125]);
const NPY = typedArrayToNpy(VALUES, [VALUES.length]);

async function upload(target: TestServer, bytes = NPY, name = 'cached.npy'): Promise<UploadResponse> {
  return json<UploadResponse>(await uploadBytes(target.url, bytes, name));
}

/**
 * fetch adds `Cache-Control: no-cache` to a request carrying If-None-Match (the Fetch standard), which
 * asks for a full reply; a cache revalidating does not, so the tests say `max-age=0` as caches do.
 */
async function getBytes(url: string, headers: Record<string, string> = {}) {
  if (headers['if-none-match']) headers = { ...headers, 'cache-control': 'max-age=0' };
  const response = await fetch(url, { headers });
  return { response, body: new Uint8Array(await response.arrayBuffer()) };
}

/** The body as rendered without any cache: the head fields, then the data's nested-list JSON. */
function renderedBody(info: UploadResponse & { name: string }, npy: Uint8Array): string {
  const { header, data } = decodeNpy(npy);
  const head = JSON.stringify({ index: info.index, name: info.name, shape: info.shape, dtype: info.dtype }).slice(0, -1);
  return `${head},"data":${[...jsonDataChunks(header, data)].join('')}}`;
}

describe('JSON cache over HTTP', () => {
  it('serves the cached rendering with exactly the bytes of the first, rendered reply', async () => {
    server = await startTestServer();
    const info = await upload(server);
    const first = await getBytes(`${server.url}/array/${info.index}`);
    expect(first.response.status).toBe(200);
    await server.store.jsonCache.idle();
    expect(await listDir(join(server.dataDir, 'json'))).toEqual([`${info.index}.v1.json`]);

    const second = await getBytes(`${server.url}/array/${info.index}`);
    expect(second.response.status).toBe(200);
    expect(second.response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Number(second.response.headers.get('content-length'))).toBe(second.body.length);
    expect(Buffer.from(second.body).equals(Buffer.from(first.body))).toBe(true);
    expect(new TextDecoder().decode(first.body)).toBe(renderedBody({ ...info, name: 'cached.npy' }, NPY));
    expect(JSON.parse(new TextDecoder().decode(second.body)).data.slice(0, 7)).toEqual([0.1, 1, -0, 'NaN', 'Infinity', '-Infinity', 1e21]);
  });

  it('renders a large array whole while the socket and the cache file both make it wait', async () => {
    server = await startTestServer();
    // 1e6 floats: ~20 MB of JSON, many socket drains and several 4 MiB cache batches.
    const values = Float64Array.from({ length: 1e6 }, (_, i) => Math.sin(i / 100));
    const info = await upload(server, typedArrayToNpy(values, [values.length]), 'large.npy');
    const first = await getBytes(`${server.url}/array/${info.index}`);
    expect(first.response.status).toBe(200);
    const parsed = JSON.parse(new TextDecoder().decode(first.body)) as { data: number[] };
    expect(parsed.data).toHaveLength(1e6);
    expect(parsed.data[12345]).toBe(values[12345]);
    await server.store.jsonCache.idle();
    const cached = await getBytes(`${server.url}/array/${info.index}`);
    expect(Buffer.from(cached.body).equals(Buffer.from(first.body))).toBe(true);
  });

  it('sends an ETag and answers 304 to If-None-Match carrying it, rendered or cached', async () => {
    server = await startTestServer();
    const info = await upload(server);
    const url = `${server.url}/array/${info.index}`;
    const first = await fetch(url);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[^"]+"$/);
    await first.arrayBuffer();
    await server.store.jsonCache.idle();

    const revalidated = await getBytes(url, { 'if-none-match': etag! });
    expect(revalidated.response.status).toBe(304);
    expect(revalidated.body.length).toBe(0);
    expect((await getBytes(url, { 'if-none-match': `W/${etag}, "other"` })).response.status).toBe(304);
    expect((await getBytes(url, { 'if-none-match': '"someone-else"' })).response.status).toBe(200);
    expect((await fetch(url)).headers.get('etag')).toBe(etag);

    // Another array, even with the same bytes and name, has its own tag.
    const twin = await upload(server);
    const twinTag = (await fetch(`${server.url}/array/${twin.index}`, { method: 'HEAD' })).headers.get('etag');
    expect(twinTag).not.toBe(etag);
    expect((await getBytes(`${server.url}/array/${twin.index}`, { 'if-none-match': etag! })).response.status).toBe(200);
  });

  it('deletes the cached JSON with its array, and a later array never gets it', async () => {
    server = await startTestServer();
    const info = await upload(server);
    const etag = (await fetch(`${server.url}/array/${info.index}`)).headers.get('etag')!;
    await server.store.jsonCache.idle();
    expect(await listDir(join(server.dataDir, 'json'))).toHaveLength(1);

    expect((await fetch(`${server.url}/array/${info.index}`, { method: 'DELETE' })).status).toBe(200);
    expect(await listDir(join(server.dataDir, 'json'))).toEqual([]);
    expect((await getBytes(`${server.url}/array/${info.index}`, { 'if-none-match': etag })).response.status).toBe(404);

    const other = typedArrayToNpy(new Float64Array([4.5, 5.5]), [2]);
    const next = await upload(server, other, 'next.npy');
    expect(next.index).not.toBe(info.index);
    const body = await getBytes(`${server.url}/array/${next.index}`, { 'if-none-match': etag });
    expect(body.response.status).toBe(200);
    expect(JSON.parse(new TextDecoder().decode(body.body))).toMatchObject({ index: next.index, data: [4.5, 5.5] });
  });

  it('keeps serving cached JSON after a restart, and drops entries of arrays no longer stored', async () => {
    server = await startTestServer();
    const info = await upload(server);
    const first = await getBytes(`${server.url}/array/${info.index}`);
    await server.store.jsonCache.idle();
    await server.close();
    // Leftovers of a crash and of other renderings: a temp file, an orphan entry, an older rendering.
    await writeFile(join(server.dataDir, 'tmp', 'torn.json-cache'), '{"index":0,"da');
    await writeFile(join(server.dataDir, 'json', '99.v1.json'), '{"index":99}');
    await writeFile(join(server.dataDir, 'json', `${info.index}.v0.json`), '{}');

    server = await startTestServer({ dataDir: server.dataDir });
    expect(await listDir(join(server.dataDir, 'json'))).toEqual([`${info.index}.v1.json`]);
    expect(await listDir(join(server.dataDir, 'tmp'))).toEqual([]);
    const again = await getBytes(`${server.url}/array/${info.index}`);
    expect(Buffer.from(again.body).equals(Buffer.from(first.body))).toBe(true);
  });
});

describe('JsonCache entries', () => {
  async function openCache(stored: (index: number) => boolean = () => true) {
    const dataDir = await makeDataDir();
    const tempDir = join(dataDir, 'tmp');
    await mkdir(tempDir);
    return { dataDir, tempDir, cache: await JsonCache.open(dataDir, tempDir, stored) };
  }

  it('is invisible until committed: a crash mid-write leaves only a temp file', async () => {
    const { dataDir, tempDir, cache } = await openCache();
    const writer = (await cache.begin(3))!;
    await writer.write(new TextEncoder().encode('{"index":3,'));
    expect(await cache.lookup(3)).toBeUndefined();
    expect(await readdir(join(dataDir, 'json'))).toEqual([]);
    expect(await readdir(tempDir)).toHaveLength(1);
    // A second writer for the same entry is refused while the first is open.
    expect(await cache.begin(3)).toBeUndefined();

    await writer.write(new TextEncoder().encode('"data":[]}'));
    await writer.commit();
    expect(await readdir(tempDir)).toEqual([]);
    const entry = (await cache.lookup(3))!;
    expect(await readFile(entry.path, 'utf8')).toBe('{"index":3,"data":[]}');
    expect(entry.bytes).toBe(21);
  });

  it('drops an entry whose array is deleted while it is being written', async () => {
    let stored = true;
    const { tempDir, cache } = await openCache(() => stored);
    const writer = (await cache.begin(5))!;
    await writer.write(new TextEncoder().encode('{}'));
    stored = false;
    await cache.remove(5);
    await writer.commit();
    expect(await cache.lookup(5)).toBeUndefined();
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('leaves nothing behind when a rendering is abandoned', async () => {
    const { dataDir, tempDir, cache } = await openCache();
    const writer = (await cache.begin(1))!;
    await writer.write(new TextEncoder().encode('{"partial'));
    await writer.abort();
    expect(await readdir(tempDir)).toEqual([]);
    expect(await readdir(join(dataDir, 'json'))).toEqual([]);
    expect(await cache.begin(1)).toBeDefined(); // free to try again
  });
});

describe('ArrayStore and its JSON cache', () => {
  it('removes the entry when the array is deleted through the store', async () => {
    const dataDir = await makeDataDir();
    const store = await ArrayStore.open(dataDir, { logger: silentLogger });
    try {
      const staged = await store.stage(
        (async function* () {
          yield NPY;
        })(),
        'x.npy',
      );
      const info = await store.commit(staged);
      const writer = (await store.jsonCache.begin(info.index))!;
      await writer.write(new TextEncoder().encode('{}'));
      await writer.commit();
      expect(await store.jsonCache.lookup(info.index)).toBeDefined();
      await store.delete(info.index);
      expect(await store.jsonCache.lookup(info.index)).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
