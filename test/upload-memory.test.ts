/**
 * Uploads stream to disk: a 200 MB upload must not be held in memory. The server runs in this
 * process (vitest gives each test file its own), so its RSS is sampled while the upload runs.
 * The body is generated on the fly as a stream, so the client holds only one chunk too.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadResponse } from '../common/protocol.js';
import { dtypeFromName } from '../common/npy/dtype.js';
import { encodeNpyHeader } from '../common/npy/header.js';
import { type TestServer, json, listDir, startTestServer } from './helpers/server.js';

const MiB = 1024 * 1024;
const DATA_BYTES = 200 * MiB;
const LIMIT = 100 * MiB;
/** One chunk of zeros, enqueued again and again: never written to, so sharing it is safe. */
const ZEROS = new Uint8Array(MiB);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.dispose();
});

/** A multipart body with one `file` part: an .npy header for float64 zeros, then the zeros, 1 MiB at a time. */
function multipartZeros(count: number, boundary: string): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [
    encoder.encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="zeros.npy"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    encodeNpyHeader(dtypeFromName('float64'), [count], false),
  ];
  let remaining = count * 8;
  let tail = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const part = parts.shift();
      if (part) return controller.enqueue(part);
      if (remaining > 0) {
        const n = Math.min(MiB, remaining);
        remaining -= n;
        return controller.enqueue(n === MiB ? ZEROS : new Uint8Array(n));
      }
      if (!tail) {
        tail = true;
        return controller.enqueue(encoder.encode(`\r\n--${boundary}--\r\n`));
      }
      controller.close();
    },
  });
}

/**
 * Samples memory every few milliseconds while `work` runs. Returns the highest RSS growth over the
 * start and the most memory held in ArrayBuffers (Buffers, chunks) at any sample.
 */
async function peakMemory<T>(work: () => Promise<T>): Promise<{ result: T; growth: number; buffers: number }> {
  const start = process.memoryUsage.rss();
  let peak = start;
  let buffers = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    peak = Math.max(peak, usage.rss);
    buffers = Math.max(buffers, usage.arrayBuffers);
  };
  const timer = setInterval(sample, 5);
  try {
    const result = await work();
    sample();
    return { result, growth: peak - start, buffers };
  } finally {
    clearInterval(timer);
  }
}

describe('large transfers', () => {
  it('streams a 200 MB upload to disk without holding it in memory', async () => {
    const count = DATA_BYTES / 8;
    const boundary = `npy-studio-${Date.now()}`;
    const {
      result: response,
      growth,
      buffers,
    } = await peakMemory(async () => {
      const r = await fetch(`${server.url}/upload`, {
        method: 'POST',
        headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
        body: multipartZeros(count, boundary),
        duplex: 'half',
      } as RequestInit);
      return { status: r.status, body: await json<UploadResponse>(r) };
    });
    expect(response.status).toBe(200);
    const headerLength = encodeNpyHeader(dtypeFromName('float64'), [count], false).length;
    expect(response.body).toMatchObject({
      status: 'success',
      index: 0,
      shape: [count],
      dtype: 'float64',
      bytes: headerLength + DATA_BYTES,
    });
    expect((await stat(join(server.dataDir, 'arrays', '0.npy'))).size).toBe(headerLength + DATA_BYTES);
    expect(await listDir(join(server.dataDir, 'tmp'))).toEqual([]);
    expect(growth).toBeLessThan(LIMIT);
    expect(buffers).toBeLessThan(LIMIT); // sampled, so chunks not yet garbage-collected count too
  });

  it('streams the 200 MB array back as .npy without holding it in memory', async () => {
    const {
      result: received,
      growth,
      buffers,
    } = await peakMemory(async () => {
      const r = await fetch(`${server.url}/array/0?format=npy`);
      expect(r.headers.get('content-type')).toBe('application/x-npy');
      let bytes = 0;
      let nonZero = 0;
      let first: Uint8Array | undefined;
      for await (const chunk of r.body as unknown as AsyncIterable<Uint8Array>) {
        if (!first) first = chunk.slice(0, 6);
        else if (bytes > 4096) nonZero += chunk.some((b) => b !== 0) ? 1 : 0;
        bytes += chunk.length;
      }
      return { bytes, first, nonZero };
    });
    const info = (await json<{ arrays: { bytes: number }[] }>(await fetch(`${server.url}/arrays`))).arrays[0]!;
    expect(received.bytes).toBe(info.bytes);
    expect(Array.from(received.first!)).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
    expect(received.nonZero).toBe(0);
    expect(growth).toBeLessThan(LIMIT);
    expect(buffers).toBeLessThan(LIMIT); // sampled, so chunks not yet garbage-collected count too
  });
});
