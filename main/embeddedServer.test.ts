import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, type Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunningServer } from '../server/app.js';
import type { Logger } from '../server/logger.js';
import { runServerOnly, startEmbeddedServer } from './embeddedServer.js';
import { HANG_MS } from '../test/helpers/wait.js';

let dataDir: string;
let logs: { info: string[]; warn: string[]; error: string[] };
let logger: Logger;
const running: RunningServer[] = [];

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'npy-embedded-'));
  logs = { info: [], warn: [], error: [] };
  logger = { info: (m) => logs.info.push(m), warn: (m) => logs.warn.push(m), error: (m) => logs.error.push(m) };
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
  rmSync(dataDir, { recursive: true, force: true });
});

async function health(url: string): Promise<unknown> {
  const response = await fetch(`${url}/health`);
  return response.json();
}

function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('startEmbeddedServer', () => {
  it('starts the real server on 127.0.0.1 with the given data dir and logs its URL', async () => {
    const { server, portNote } = await startEmbeddedServer({ port: 0, dataDir }, logger);
    running.push(server);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(portNote).toBeUndefined();
    expect(await health(server.url)).toMatchObject({ status: 'healthy', arrays: 0 });
    expect(server.store.dataDir).toBe(dataDir);
    expect(logs.info).toEqual([`NPY Studio server listening on ${server.url} (data in ${dataDir})`]);
  });

  it('moves to the next port when the requested one is held by another socket', async () => {
    const blocker = await occupy(0);
    const busyPort = (blocker.address() as AddressInfo).port;
    try {
      const { server, portNote } = await startEmbeddedServer({ port: busyPort, dataDir }, logger);
      running.push(server);
      expect(server.port).toBeGreaterThan(busyPort);
      expect(portNote).toBe(server.port === busyPort + 1 ? `port ${busyPort} was busy` : `ports ${busyPort}-${server.port - 1} were busy`);
      expect(logs.warn).toEqual([`${portNote}; using port ${server.port} instead`]);
      expect(await health(server.url)).toMatchObject({ status: 'healthy' });
    } finally {
      blocker.close();
    }
  });
});

describe('runServerOnly', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('serves until %s, then closes the server and exits 0', async (signal) => {
    const signals = new EventEmitter();
    const exit = vi.fn();
    const server = await runServerOnly({ port: 0, dataDir }, logger, signals, exit);
    expect(await health(server.url)).toMatchObject({ status: 'healthy' });

    signals.emit(signal);
    await vi.waitFor(() => expect(exit).toHaveBeenCalledExactlyOnceWith(0), { timeout: HANG_MS });
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
    expect(logs.info.at(-1)).toBe(`${signal} received, shutting down`);
  });

  it('shuts down once when both signals arrive', async () => {
    const signals = new EventEmitter();
    const exit = vi.fn();
    await runServerOnly({ port: 0, dataDir }, logger, signals, exit);
    signals.emit('SIGINT');
    signals.emit('SIGTERM');
    // The second signal was turned away at once (synchronously), so by the first exit there is no other to come.
    await vi.waitFor(() => expect(exit).toHaveBeenCalled(), { timeout: HANG_MS });
    expect(exit.mock.calls).toEqual([[0]]);
    expect(logs.info.filter((line) => line.endsWith('shutting down'))).toEqual(['SIGINT received, shutting down']);
  });
});
