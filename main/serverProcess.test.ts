/** The server process's entry under Node's child_process.fork, with the messages the app sends over Electron's parentPort. */
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, type Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forkServerEntry } from '../test/helpers/serverProcess.js';
import { NoParentError, parentChannel } from './serverChannel.js';
import type { FromServer, StartOptions, ToServer } from './serverMessages.js';

let dir: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'npy-server-process-'));
});
afterEach(async () => {
  await Promise.all(
    children.splice(0).map((child) => (child.exitCode === null && child.signalCode === null ? ended(child, 'SIGKILL') : null)),
  );
  rmSync(dir, { recursive: true, force: true });
});

interface Spawned {
  child: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  next(): Promise<FromServer>;
  send(message: ToServer | object): void;
}

function spawnServerProcess(): Spawned {
  const child = forkServerEntry();
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const queue: FromServer[] = [];
  const waiting: ((message: FromServer) => void)[] = [];
  child.on('message', (message: FromServer) => (waiting.length > 0 ? waiting.shift()!(message) : queue.push(message)));
  return {
    child,
    output: () => output,
    next: () => (queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise((resolve) => waiting.push(resolve))),
    send: (message) => child.send(message),
  };
}

async function startServerProcess(options: StartOptions): Promise<{ spawned: Spawned; reply: FromServer }> {
  const spawned = spawnServerProcess();
  spawned.send({ type: 'start', options });
  return { spawned, reply: await spawned.next() };
}

/** Resolves with how `child` ended; kills it first with `signal` when given. */
function ended(child: ChildProcess, signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const result = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, exitSignal) => resolve({ code, signal: exitSignal })),
  );
  if (signal) child.kill(signal);
  return result;
}

async function health(url: string): Promise<unknown> {
  return (await fetch(`${url}/health`)).json();
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Ten consecutive ports held by this test, so a server asked for the first finds them all busy. */
async function holdTenPorts(): Promise<Server[]> {
  for (;;) {
    const first = await listen(0);
    const base = (first.address() as AddressInfo).port;
    const held = [first];
    try {
      for (let port = base + 1; port < base + 10; port++) held.push(await listen(port));
      return held;
    } catch {
      held.forEach((server) => server.close());
    }
  }
}

describe('server process (child_process.fork)', () => {
  it('start -> ready with the URL; the server answers; shutdown -> exit 0 and the port is closed', async () => {
    const dataDir = join(dir, 'data');
    const { spawned, reply } = await startServerProcess({ port: 0, dataDir });
    expect(reply).toEqual({
      type: 'ready',
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      browserUrl: expect.any(String),
      port: expect.any(Number),
      dataDir,
    });
    if (reply.type !== 'ready') throw new Error('not ready');
    expect(reply.url).toBe(`http://127.0.0.1:${reply.port}`);
    expect(reply.browserUrl).toBe(`${reply.url}/`);
    expect(await health(reply.url)).toMatchObject({ status: 'healthy', arrays: 0 });
    expect(spawned.output()).toContain(`NPY Studio server listening on ${reply.url} (data in ${dataDir})`);

    const exit = ended(spawned.child);
    spawned.send({ type: 'shutdown' });
    expect(await exit).toEqual({ code: 0, signal: null });
    await expect(fetch(`${reply.url}/health`)).rejects.toThrow();
  });

  it('ready carries the token a server requires, and the browser URL with it', async () => {
    const { reply } = await startServerProcess({ port: 0, dataDir: join(dir, 'data'), token: 's3cret/token' });
    expect(reply).toMatchObject({ type: 'ready', token: 's3cret/token' });
    if (reply.type !== 'ready') throw new Error('not ready');
    expect(reply.browserUrl).toBe(`${reply.url}/?token=s3cret%2Ftoken`);
    expect((await fetch(`${reply.url}/arrays`)).status).toBe(401);
    expect((await fetch(`${reply.url}/arrays`, { headers: { authorization: 'Bearer s3cret/token' } })).status).toBe(200);
  });

  it('answers error when the data dir is locked by another server process, and still shuts down cleanly', async () => {
    const dataDir = join(dir, 'data');
    const first = await startServerProcess({ port: 0, dataDir });
    expect(first.reply.type).toBe('ready');

    const second = await startServerProcess({ port: 0, dataDir });
    expect(second.reply).toEqual({
      type: 'error',
      message: expect.stringContaining(`is in use by another NPY Studio server (pid ${first.spawned.child.pid})`),
    });
    const exit = ended(second.spawned.child);
    second.spawned.send({ type: 'shutdown' });
    expect(await exit).toEqual({ code: 0, signal: null });
  });

  it('answers error when the requested port and the nine after it are busy', async () => {
    const held = await holdTenPorts();
    try {
      const base = (held[0]!.address() as AddressInfo).port;
      const { reply } = await startServerProcess({ port: base, dataDir: join(dir, 'data') });
      expect(reply).toEqual({ type: 'error', message: `ports ${base}-${base + 9} are all in use; pick another with --port` });
    } finally {
      held.forEach((server) => server.close());
    }
  });

  it('moves to a free port when the requested one is busy and says so in ready', async () => {
    const blocker = await listen(0);
    const busyPort = (blocker.address() as AddressInfo).port;
    try {
      const { reply } = await startServerProcess({ port: busyPort, dataDir: join(dir, 'data') });
      expect(reply).toMatchObject({
        type: 'ready',
        portNote: expect.stringMatching(new RegExp(`^ports? ${busyPort}(-\\d+)? (was|were) busy$`)),
      });
    } finally {
      blocker.close();
    }
  });

  it('logs and ignores a malformed message, then starts on a good one', async () => {
    const spawned = spawnServerProcess();
    spawned.send({ type: 'start', options: { port: 'abc' } });
    spawned.send({ type: 'reboot' });
    spawned.send({ type: 'start', options: { port: 0, dataDir: join(dir, 'data') } });
    expect(await spawned.next()).toMatchObject({ type: 'ready' });
    expect(spawned.output()).toMatch(/error: malformed server process message \{"type":"start","options":\{"port":"abc"\}\}/);
    expect(spawned.output()).toMatch(/error: malformed server process message \{"type":"reboot"\}/);
  });

  it('shuts down when the parent disconnects without a word', async () => {
    const { spawned, reply } = await startServerProcess({ port: 0, dataDir: join(dir, 'data') });
    if (reply.type !== 'ready') throw new Error('not ready');
    const exit = ended(spawned.child);
    spawned.child.disconnect();
    expect(await exit).toEqual({ code: 0, signal: null });
    await expect(fetch(`${reply.url}/health`)).rejects.toThrow();
  });

  it('a shutdown during start stops the server once it is up', async () => {
    const spawned = spawnServerProcess();
    const exit = ended(spawned.child);
    spawned.send({ type: 'start', options: { port: 0, dataDir: join(dir, 'data') } });
    spawned.send({ type: 'shutdown' });
    const reply = await spawned.next();
    expect(await exit).toEqual({ code: 0, signal: null });
    if (reply.type !== 'ready') throw new Error('not ready');
    await expect(fetch(`${reply.url}/health`)).rejects.toThrow();
  });
});

describe('parentChannel', () => {
  it("uses Electron's parentPort in a utility process: messages arrive as event.data, replies go to postMessage", () => {
    const port = Object.assign(new EventEmitter(), { postMessage: (message: unknown) => posted.push(message) });
    const posted: unknown[] = [];
    const channel = parentChannel({ parentPort: port } as unknown as NodeJS.Process);
    const received: unknown[] = [];
    channel.onMessage((message) => received.push(message));
    port.emit('message', { data: { type: 'shutdown' } });
    channel.send({ type: 'error', message: 'x' });
    expect(received).toEqual([{ type: 'shutdown' }]);
    expect(posted).toEqual([{ type: 'error', message: 'x' }]);
  });

  it('uses process.send and message events under child_process.fork', () => {
    const sent: unknown[] = [];
    const proc = Object.assign(new EventEmitter(), { send: (message: unknown) => sent.push(message) > 0 });
    const channel = parentChannel(proc as unknown as NodeJS.Process);
    const received: unknown[] = [];
    let disconnected = false;
    channel.onMessage((message) => received.push(message));
    channel.onDisconnect(() => (disconnected = true));
    proc.emit('message', { type: 'shutdown' });
    proc.emit('disconnect');
    channel.send({ type: 'error', message: 'x' });
    expect(received).toEqual([{ type: 'shutdown' }]);
    expect(sent).toEqual([{ type: 'error', message: 'x' }]);
    expect(disconnected).toBe(true);
  });

  it('refuses to run without a parent', () => {
    expect(() => parentChannel(new EventEmitter() as unknown as NodeJS.Process)).toThrow(NoParentError);
  });
});
