/** Real servers on loopback, each with a fresh data directory, for the HTTP, WebSocket and store tests. */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, startServer } from '../../server/app.js';
import { type Logger, silentLogger } from '../../server/logger.js';
import type { ServerOptions } from '../../server/options.js';

export interface TestServer extends RunningServer {
  readonly dataDir: string;
  /** Closes the server and removes its data directory. */
  dispose(): Promise<void>;
}

export async function makeDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'npy-studio-test-'));
}

/** Starts a server on 127.0.0.1 with a free port and, unless given one, a fresh data directory. */
export async function startTestServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await makeDataDir());
  const server = await startServer({ port: 0, host: '127.0.0.1', logger: silentLogger, ...options, dataDir });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await server.close();
  };
  return {
    ...server,
    url: server.url,
    port: server.port,
    store: server.store,
    hub: server.hub,
    dataDir,
    close,
    dispose: async () => {
      await close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A logger that keeps what it is told, so tests can check warnings. */
export function capturingLogger(): Logger & { warnings: string[]; errors: string[]; infos: string[] } {
  const warnings: string[] = [];
  const errors: string[] = [];
  const infos: string[] = [];
  return {
    warnings,
    errors,
    infos,
    info: (m) => infos.push(m),
    warn: (m) => warnings.push(m),
    error: (m) => errors.push(m),
  };
}

export async function listDir(path: string): Promise<string[]> {
  try {
    return (await readdir(path)).sort();
  } catch {
    return [];
  }
}

// ---- HTTP helpers ----

export async function uploadBytes(url: string, bytes: Uint8Array, name = 'array.npy', field = 'file'): Promise<Response> {
  const form = new FormData();
  form.append(field, new Blob([bytes]), name);
  return fetch(`${url}/upload`, { method: 'POST', body: form });
}

export async function json<T = unknown>(response: Response): Promise<T> {
  expectJsonType(response);
  return (await response.json()) as T;
}

function expectJsonType(response: Response): void {
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('application/json')) throw new Error(`expected JSON, got ${type} (status ${response.status})`);
}
