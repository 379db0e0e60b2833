import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dtypeFromName } from '../common/npy/dtype.js';
import { encodeNpy } from '../common/npy/codec.js';
import { startServer } from '../server/app.js';
import { silentLogger } from '../server/logger.js';
import { spawnServer } from './helpers/serverProcess.js';

/** A distinct 2 MiB float64 array per upload, so a mixed-up or torn file is detectable. */
function arrayBytes(n: number): Uint8Array {
  const values = new Float64Array(256 * 1024).map((_, i) => n * 1e6 + i);
  return encodeNpy({ dtype: dtypeFromName('float64'), shape: [values.length], data: new Uint8Array(values.buffer) });
}

function formWith(bytes: Uint8Array, name: string): FormData {
  const form = new FormData();
  form.append('file', new Blob([bytes as Uint8Array<ArrayBuffer>]), name);
  return form;
}

function upload(url: string, bytes: Uint8Array, name: string): Promise<Response> {
  return fetch(`${url}/upload`, { method: 'POST', body: formWith(bytes, name) });
}

/** Sends the multipart head and half of `bytes`, then stalls until the connection dies. */
function stalledUpload(url: string, bytes: Uint8Array, name: string): Promise<Response> {
  const request = new Request(`${url}/upload`, { method: 'POST', body: formWith(bytes, name) });
  const contentType = request.headers.get('content-type')!;
  const source = request.body!.getReader();
  let sentBytes = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sentBytes > bytes.length / 2) return new Promise<void>(() => {}); // never more
      const { done, value } = await source.read();
      if (done) return controller.close();
      sentBytes += value.length;
      controller.enqueue(value);
    },
  });
  return fetch(`${url}/upload`, { method: 'POST', body, headers: { 'content-type': contentType }, duplex: 'half' } as RequestInit);
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('crash safety', () => {
  it('after kill -9 during uploads, every acknowledged upload is there and intact, nothing torn is listed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'npy-crash-'));
    dirs.push(dataDir);
    const first = await spawnServer(dataDir);
    const sent = new Map<string, Uint8Array>();
    const acknowledged = new Map<number, string>();
    let killed = false;
    const settle = async (name: string, response: Promise<Response>) => {
      try {
        const answer = await response;
        if (answer.ok && !killed) acknowledged.set(((await answer.json()) as { index: number }).index, name);
      } catch {
        // The connection died with the server: not acknowledged.
      }
    };
    // Some uploads complete; others stall half-way, so they are surely in flight at the kill.
    const stalled = Array.from({ length: 6 }, (_, n) => {
      const name = `stalled-${n}.npy`;
      const bytes = arrayBytes(100 + n);
      sent.set(name, bytes);
      return settle(name, stalledUpload(first.url, bytes, name));
    });
    const complete = Array.from({ length: 18 }, (_, n) => {
      const name = `crash-${n}.npy`;
      const bytes = arrayBytes(n);
      sent.set(name, bytes);
      return settle(name, upload(first.url, bytes, name));
    });
    await expect.poll(() => acknowledged.size, { interval: 5 }).toBeGreaterThanOrEqual(3);
    killed = true;
    first.child.kill('SIGKILL');
    await Promise.all([...stalled, ...complete]);
    expect([...acknowledged.values()].some((name) => name.startsWith('stalled'))).toBe(false);

    const second = await spawnServer(dataDir);
    try {
      const list = (await (await fetch(`${second.url}/arrays`)).json()) as { arrays: { index: number; name: string }[] };
      for (const [index, name] of acknowledged) {
        expect(list.arrays.find((a) => a.index === index)?.name).toBe(name);
      }
      for (const entry of list.arrays) {
        const stored = Buffer.from(await (await fetch(`${second.url}/array/${entry.index}?format=npy`)).arrayBuffer());
        expect(stored.equals(sent.get(entry.name)!)).toBe(true);
      }
      expect(readdirSync(join(dataDir, 'tmp'))).toEqual([]);
      const after = (await (await upload(second.url, arrayBytes(99), 'after.npy')).json()) as { index: number };
      expect(list.arrays.map((a) => a.index)).not.toContain(after.index);
    } finally {
      await second.stop();
    }
  });

  const canMount = process.getuid?.() === 0 && process.platform === 'linux';
  it.skipIf(!canMount)('a full disk gives 507 and leaves the store consistent (needs root to mount a small tmpfs)', async () => {
    const mountPoint = mkdtempSync(join(tmpdir(), 'npy-full-'));
    dirs.push(mountPoint);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint]);
    try {
      const dataDir = join(mountPoint, 'data');
      mkdirSync(dataDir);
      const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, logger: silentLogger });
      try {
        const fits = encodeNpy({ dtype: dtypeFromName('float64'), shape: [1000], data: new Uint8Array(8000) });
        expect((await upload(server.url, fits, 'fits.npy')).status).toBe(200);
        const before = server.store.list();
        const tooBig = await upload(server.url, arrayBytes(2), 'too-big.npy'); // 2 MiB on a 1 MiB disk
        expect(tooBig.status).toBe(507);
        expect(((await tooBig.json()) as { detail: string }).detail).toMatch(/space/);
        expect(server.store.list()).toEqual(before);
        expect(readdirSync(join(dataDir, 'tmp'))).toEqual([]);
        // The space the failed upload took is given back.
        expect((await upload(server.url, fits, 'fits-again.npy')).status).toBe(200);
        expect((await fetch(`${server.url}/health`)).status).toBe(200);
      } finally {
        await server.close();
      }
    } finally {
      execFileSync('umount', [mountPoint]);
    }
  });
});
