import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ArrayInfo, ArrayListResponse, UploadResponse } from '../common/protocol.js';
import { decodeNpy } from '../common/npy/codec.js';
import { typedArrayToNpy } from '../common/npy/typed.js';
import { diffTagged, expected, fixtureBytes, invalidNames, parseJsonExact } from './helpers/fixtures.js';
import { type TestServer, json, listDir, startTestServer, uploadBytes } from './helpers/server.js';
import { TestClient } from './helpers/ws.js';

let server: TestServer;
let url: string;

beforeEach(async () => {
  server = await startTestServer();
  url = server.url;
});
afterEach(async () => {
  await server.dispose();
});

async function uploadFixture(name: string, fileName = `${name}.npy`): Promise<UploadResponse> {
  const response = await uploadBytes(url, fixtureBytes('valid', name), fileName);
  expect(response.status, `upload of ${name}`).toBe(200);
  return json<UploadResponse>(response);
}

async function listArrays(): Promise<ArrayListResponse> {
  const response = await fetch(`${url}/arrays`);
  expect(response.status).toBe(200);
  return json<ArrayListResponse>(response);
}

/** GET /array/{i} parsed without losing any digit: every number is a tagged token. */
async function getArrayExact(index: number): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/array/${index}`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const text = await response.text();
  expect(() => JSON.parse(text)).not.toThrow();
  return parseJsonExact(text) as Record<string, unknown>;
}

function expectValidationDetail(body: unknown, loc: (string | number)[], type: string): void {
  const detail = (body as { detail: unknown }).detail;
  expect(Array.isArray(detail)).toBe(true);
  const [issue] = detail as Record<string, unknown>[];
  expect(issue).toMatchObject({ type, loc });
  expect(typeof issue!.msg).toBe('string');
  expect(issue).toHaveProperty('input');
}

describe('seed scenarios', () => {
  it('GET /health reports healthy, the array count and the streaming state', async () => {
    const response = await fetch(`${url}/health`);
    expect(response.status).toBe(200);
    const body = await json<Record<string, unknown>>(response);
    expect(body).toMatchObject({ status: 'healthy', arrays: 0, streaming: false });
    expect(typeof body.version).toBe('string');
    await uploadFixture('f8_le');
    expect(await json(await fetch(`${url}/health`))).toMatchObject({ status: 'healthy', arrays: 1 });
  });

  it('uploads a valid .npy and answers with status, shape, numpy dtype name and index', async () => {
    const values = Float64Array.from({ length: 100 * 50 }, (_, i) => Math.sin(i));
    const bytes = typedArrayToNpy(values, [100, 50]);
    const response = await uploadBytes(url, bytes, 'random.npy');
    expect(response.status).toBe(200);
    const body = await json<UploadResponse>(response);
    expect(body).toMatchObject({
      status: 'success',
      shape: [100, 50],
      dtype: 'float64',
      index: 0,
      name: 'random.npy',
      bytes: bytes.length,
    });
    expect(new Date(body.created).toISOString()).toBe(body.created);
    // The next upload gets the next index.
    expect((await uploadFixture('i4_le')).index).toBe(1);
  });

  it('refuses a file that is not .npy with 400 and a detail string', async () => {
    const response = await uploadBytes(url, new TextEncoder().encode('this is not numpy data'), 'fake.npy');
    expect(response.status).toBe(400);
    const body = await json<{ detail: unknown }>(response);
    expect(typeof body.detail).toBe('string');
    expect(body.detail).toMatch(/numpy|npy/i);
    expect((await listArrays()).count).toBe(0);
  });

  const DTYPE_FIXTURES = [
    'i4_le',
    'f4_le',
    'c16_le',
    'b1_na',
    'u1_na',
    'i8_le',
    'f8_be',
    'i4_be',
    'f8_fortran',
    'c8_fortran',
    'u8_le',
    'f2_le',
    'i2_c_3d',
    'f8_be_fortran_3d',
    'scalar_i8_be',
    'empty_2x0',
  ];

  it('uploads many dtypes and returns the exact tolist() of each from GET /array/{i}', async () => {
    for (const [i, name] of DTYPE_FIXTURES.entries()) {
      const want = expected.valid[name]!;
      const info = await uploadFixture(name);
      expect(info).toMatchObject({ status: 'success', index: i, shape: want.shape, dtype: want.dtype });
      const body = await getArrayExact(i);
      expect(body.index).toBe(`\u0000num:${i}`);
      expect(body.name).toBe(`${name}.npy`);
      expect(body.dtype).toBe(want.dtype);
      expect(diffTagged(body.data, want.data), name).toBeUndefined();
    }
  });

  it('lists no arrays on a fresh server', async () => {
    expect(await listArrays()).toEqual({ count: 0, arrays: [] });
  });

  it('lists uploaded arrays with index, name, shape, dtype, bytes and created', async () => {
    const before = Date.now();
    await uploadFixture('f8_le', 'first.npy');
    await uploadFixture('i4_be_v3', 'second.npy');
    const list = await listArrays();
    expect(list.count).toBe(2);
    expect(list.arrays).toHaveLength(2);
    expect(list.arrays.map((a) => [a.index, a.name, a.shape, a.dtype, a.bytes])).toEqual([
      [0, 'first.npy', [2, 3], 'float64', fixtureBytes('valid', 'f8_le').length],
      [1, 'second.npy', [2, 5], '>i4', fixtureBytes('valid', 'i4_be_v3').length],
    ]);
    for (const a of list.arrays) {
      const created = Date.parse(a.created);
      expect(created).toBeGreaterThanOrEqual(before - 1000);
      expect(created).toBeLessThanOrEqual(Date.now() + 1000);
    }
  });

  it('gets an array by index with index, name, shape, dtype and data', async () => {
    await uploadFixture('f8_1000');
    const body = await json<Record<string, unknown>>(await fetch(`${url}/array/0`));
    expect(body).toMatchObject({ index: 0, name: 'f8_1000.npy', shape: [1000], dtype: 'float64' });
    expect(body.data).toHaveLength(1000);
    expect(diffTagged(await getArrayExact(0).then((b) => b.data), expected.valid.f8_1000!.data)).toBeUndefined();
  });

  it('answers 404 {"detail":"Array not found"} for an index that does not exist', async () => {
    await uploadFixture('f8_le');
    for (const index of [1, 999, -1]) {
      const response = await fetch(`${url}/array/${index}`);
      expect(response.status).toBe(404);
      expect(await json(response)).toEqual({ detail: 'Array not found' });
    }
  });

  it('answers 422 with a FastAPI-style list detail for a non-integer index', async () => {
    for (const raw of ['abc', '1.5', '1e3', '99999999999999999999']) {
      const response = await fetch(`${url}/array/${raw}`);
      expect(response.status, raw).toBe(422);
      const body = await json(response);
      expectValidationDetail(body, ['path', 'index'], 'int_parsing');
      expect((body as { detail: { input: unknown }[] }).detail[0]!.input).toBe(raw);
    }
  });

  it('starts streaming with POST /control/start', async () => {
    const response = await fetch(`${url}/control/start`, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ status: 'streaming started', streaming: true });
    expect(await json(await fetch(`${url}/health`))).toMatchObject({ streaming: true });
  });

  it('stops streaming with POST /control/stop', async () => {
    await fetch(`${url}/control/start`, { method: 'POST' });
    const response = await fetch(`${url}/control/stop`, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ status: 'streaming stopped', streaming: false });
    expect(await json(await fetch(`${url}/health`))).toMatchObject({ streaming: false });
  });

  it('drives the WebSocket stream from the control endpoints', async () => {
    const client = await TestClient.connect(url);
    try {
      await fetch(`${url}/control/start`, { method: 'POST' });
      expect(await client.nextMessage()).toEqual({ type: 'status', streaming: true });
      const data = await client.nextOfType('data');
      expect(data).toMatchObject({ shape: [100], dtype: 'float64' });
      await fetch(`${url}/control/stop`, { method: 'POST' });
      expect(await client.nextOfType('status')).toEqual({ type: 'status', streaming: false });
    } finally {
      await client.close();
    }
  });

  it('answers 422 when the multipart field "file" is missing', async () => {
    const form = new FormData();
    form.append('comment', 'no file here');
    const response = await fetch(`${url}/upload`, { method: 'POST', body: form });
    expect(response.status).toBe(422);
    expectValidationDetail(await json(response), ['body', 'file'], 'missing');
    // No body at all is the same validation error.
    const empty = await fetch(`${url}/upload`, { method: 'POST' });
    expect(empty.status).toBe(422);
    expectValidationDetail(await json(empty), ['body', 'file'], 'missing');
  });

  it('answers 404 {"detail":"Not Found"} for an unknown route', async () => {
    for (const path of ['/nope', '/array', '/arrays/0/extra', '/ws/streamx']) {
      const response = await fetch(`${url}${path}`);
      expect(response.status, path).toBe(404);
      expect(await json(response)).toEqual({ detail: 'Not Found' });
    }
  });

  it('keeps data of a large 2-D float array exact through upload and download', async () => {
    const values = Float64Array.from({ length: 256 * 300 }, (_, i) => (i % 7 === 0 ? -0 : Math.tan(i) * 10 ** ((i % 40) - 20)));
    await uploadBytes(url, typedArrayToNpy(values, [256, 300]), 'big.npy');
    const body = JSON.parse(await (await fetch(`${url}/array/0`)).text()) as { data: number[][] };
    expect(body.data).toHaveLength(256);
    const flat = body.data.flat();
    expect(flat.every((v, i) => Object.is(v, values[i]))).toBe(true);
  });
});

describe('.npy downloads', () => {
  it('returns the exact uploaded bytes with ?format=npy and with Accept: application/x-npy', async () => {
    for (const name of ['f8_le', 'c16_v3_fortran', 'i4_be_v3', 'f8_v2', 'scalar_b1']) {
      const original = fixtureBytes('valid', name);
      const { index } = await uploadFixture(name);
      const viaQuery = await fetch(`${url}/array/${index}?format=npy`);
      const viaAccept = await fetch(`${url}/array/${index}`, { headers: { Accept: 'application/x-npy' } });
      for (const response of [viaQuery, viaAccept]) {
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('application/x-npy');
        expect(response.headers.get('content-length')).toBe(String(original.length));
        expect(response.headers.get('content-disposition')).toContain(`${name}.npy`);
        expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(original)), name).toBe(true);
      }
    }
  });

  it('prefers JSON for a browser-like Accept and refuses unknown formats with 422', async () => {
    await uploadFixture('f8_le');
    const browser = await fetch(`${url}/array/0`, { headers: { Accept: 'text/html,application/json;q=0.9,*/*;q=0.8' } });
    expect(browser.headers.get('content-type')).toMatch(/^application\/json/);
    await browser.text();
    const bad = await fetch(`${url}/array/0?format=xml`);
    expect(bad.status).toBe(422);
    expectValidationDetail(await json(bad), ['query', 'format'], 'enum');
  });

  it('answers 404 for the .npy of an array that does not exist', async () => {
    const response = await fetch(`${url}/array/3?format=npy`);
    expect(response.status).toBe(404);
    expect(await json(response)).toEqual({ detail: 'Array not found' });
  });
});

describe('deleting', () => {
  it('DELETE removes one array; GET then answers 404, the list shrinks and other indexes stay', async () => {
    for (const name of ['f8_le', 'i4_le', 'u1_na']) await uploadFixture(name);
    const response = await fetch(`${url}/array/1`, { method: 'DELETE' });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ status: 'deleted', index: 1 });
    const gone = await fetch(`${url}/array/1`);
    expect(gone.status).toBe(404);
    expect(await json(gone)).toEqual({ detail: 'Array not found' });
    const list = await listArrays();
    expect(list.count).toBe(2);
    expect(list.arrays.map((a) => [a.index, a.name])).toEqual([
      [0, 'f8_le.npy'],
      [2, 'u1_na.npy'],
    ]);
    expect(diffTagged((await getArrayExact(2)).data, expected.valid.u1_na!.data)).toBeUndefined();
    expect(await listDir(join(server.dataDir, 'arrays'))).toEqual(['0.json', '0.npy', '2.json', '2.npy']);
    // Deleting again is a 404; the next upload does not reuse index 1 or 2.
    expect((await fetch(`${url}/array/1`, { method: 'DELETE' })).status).toBe(404);
    expect((await uploadFixture('f4_le')).index).toBe(3);
    const bad = await fetch(`${url}/array/x`, { method: 'DELETE' });
    expect(bad.status).toBe(422);
  });
});

describe('hostile and broken uploads', () => {
  it('uses a file name with path characters only as a display name', async () => {
    const info = await uploadFixture('f8_le', '../../etc/passwd.npy');
    // Whatever of the name is kept, it never becomes a path: files are stored by index only.
    expect(['../../etc/passwd.npy', 'passwd.npy']).toContain(info.name);
    expect(await listDir(join(server.dataDir, 'arrays'))).toEqual(['0.json', '0.npy']);
    const expectedEntries = new Set(['arrays', 'tmp', 'state.json', '.lock', 'groups', 'recordings']);
    expect((await listDir(server.dataDir)).filter((f) => !expectedEntries.has(f))).toEqual([]);
    expect(await listDir(join(server.dataDir, 'groups'))).toEqual([]);
    const weird = await uploadFixture('f8_le', 'données "✓"\r\n.npy');
    expect(weird.name).toBe('données "✓".npy');
    expect((await listArrays()).arrays.map((a) => a.name)).toEqual([info.name, 'données "✓".npy']);
    const download = await fetch(`${url}/array/1?format=npy`);
    expect(download.headers.get('content-disposition')).toContain("filename*=UTF-8''donn%C3%A9es");
    await download.arrayBuffer();
  });

  it('refuses every invalid fixture with 400 and a detail, leaving the server healthy and the store unchanged', async () => {
    await uploadFixture('f8_le');
    const before = await listArrays();
    for (const name of invalidNames) {
      const response = await uploadBytes(url, fixtureBytes('invalid', name), `${name}.npy`);
      expect(response.status, name).toBe(400);
      const body = await json<{ detail: unknown }>(response);
      expect(typeof body.detail, name).toBe('string');
      expect((body.detail as string).length, name).toBeGreaterThan(10);
    }
    expect(await json(await fetch(`${url}/health`))).toMatchObject({ status: 'healthy', arrays: 1 });
    expect(await listArrays()).toEqual(before);
    expect(await listDir(join(server.dataDir, 'tmp'))).toEqual([]);
    expect(await listDir(join(server.dataDir, 'arrays'))).toEqual(['0.json', '0.npy']);
    expect((await uploadFixture('i4_le')).index).toBe(1);
  });

  it('answers 413 for an upload over maxUploadBytes and stores nothing', async () => {
    const small = await startTestServer({ maxUploadBytes: 1024 });
    try {
      const ok = await uploadBytes(small.url, fixtureBytes('valid', 'f8_le'));
      expect(ok.status).toBe(200);
      const big = typedArrayToNpy(new Float64Array(1000));
      const response = await uploadBytes(small.url, big, 'big.npy');
      expect(response.status).toBe(413);
      expect((await json<{ detail: string }>(response)).detail).toMatch(/1024/);
      const list = await json<ArrayListResponse>(await fetch(`${small.url}/arrays`));
      expect(list.arrays.map((a: ArrayInfo) => a.index)).toEqual([0]);
      expect(await listDir(join(small.dataDir, 'tmp'))).toEqual([]);
      expect(await listDir(join(small.dataDir, 'arrays'))).toEqual(['0.json', '0.npy']);
      // The connection and server still work after the refused upload.
      expect((await fetch(`${small.url}/health`)).status).toBe(200);
    } finally {
      await small.dispose();
    }
  });

  it('refuses a second file in the same upload and keeps neither', async () => {
    const form = new FormData();
    form.append('file', new Blob([fixtureBytes('valid', 'f8_le')]), 'a.npy');
    form.append('file', new Blob([fixtureBytes('valid', 'i4_le')]), 'b.npy');
    const response = await fetch(`${url}/upload`, { method: 'POST', body: form });
    expect(response.status).toBe(400);
    expect(typeof (await json<{ detail: unknown }>(response)).detail).toBe('string');
    expect((await listArrays()).count).toBe(0);
    expect(await listDir(join(server.dataDir, 'tmp'))).toEqual([]);
  });

  it('refuses a file under another field name, naming the field to use', async () => {
    const response = await uploadBytes(url, fixtureBytes('valid', 'f8_le'), 'a.npy', 'data');
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(JSON.stringify(await json(response))).toMatch(/file/);
    expect((await listArrays()).count).toBe(0);
  });
});

describe('NaN and infinities in JSON', () => {
  it('are written as the documented strings, so the body is strict JSON', async () => {
    await uploadFixture('f8_le');
    await uploadFixture('c16_le');
    const text = await (await fetch(`${url}/array/0`)).text();
    const body = JSON.parse(text) as { data: unknown[][] };
    expect(body.data).toEqual([
      [0.1, -0, 'NaN'],
      ['Infinity', '-Infinity', 5e-324],
    ]);
    expect(Object.is((body.data[0] as number[])[1], -0)).toBe(true);
    expect(text).not.toMatch(/\bNaN\b(?!")|(?<!")-?Infinity(?!")/);
    // Each string reads back as the float it stands for, in JavaScript as in Python's float().
    expect(body.data.flat().map(Number)).toEqual([0.1, -0, NaN, Infinity, -Infinity, 5e-324]);
    const complexText = await (await fetch(`${url}/array/1`)).text();
    expect(() => JSON.parse(complexText)).not.toThrow();
    expect(diffTagged((parseJsonExact(complexText) as { data: unknown }).data, expected.valid.c16_le!.data)).toBeUndefined();
  });

  it('keeps int64 and uint64 extremes exact in JSON', async () => {
    await uploadFixture('i8_le');
    await uploadFixture('u8_be');
    const text = await (await fetch(`${url}/array/0`)).text();
    expect(text).toContain('-9223372036854775808');
    expect(text).toContain('9223372036854775807');
    expect(await (await fetch(`${url}/array/1`)).text()).toContain('18446744073709551615');
    // The stored file itself is unchanged.
    const npy = new Uint8Array(await (await fetch(`${url}/array/1?format=npy`)).arrayBuffer());
    expect(decodeNpy(npy).header.dtype.descr).toBe('>u8');
  });
});
