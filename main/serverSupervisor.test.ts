/** The main process's side of the server process, driving the real entry under child_process.fork. */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { forkServerEntry } from '../test/helpers/serverProcess.js';
import { HANG_MS } from '../test/helpers/wait.js';
import { type ServerProcessHandle, fromChildProcess } from './serverChannel.js';
import { ServerStartError, ServerSupervisor } from './serverSupervisor.js';

let dir: string;
let children: ChildProcess[];
let supervisor: ServerSupervisor;
let unexpectedExit: ReturnType<typeof vi.fn<(how: string) => void>>;

function spawn(): ServerProcessHandle {
  const child = forkServerEntry();
  children.push(child);
  return fromChildProcess(child);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'npy-supervisor-'));
  children = [];
  unexpectedExit = vi.fn();
  // A process that closes slowly on a loaded machine is waited for, not killed: the tests check it exits 0.
  supervisor = new ServerSupervisor(spawn, unexpectedExit, HANG_MS);
});
afterEach(async () => {
  await supervisor.stop();
  rmSync(dir, { recursive: true, force: true });
});

const exitOf = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

describe('ServerSupervisor', () => {
  it('starts a server process and returns its URL; stop ends it without reporting a crash', async () => {
    const ready = await supervisor.start({ port: 0, dataDir: join(dir, 'data') });
    expect(ready).toMatchObject({ type: 'ready', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(supervisor.pid).toBe(children[0]!.pid);
    expect(await (await fetch(`${ready.url}/health`)).json()).toMatchObject({ status: 'healthy' });

    await supervisor.stop();
    expect(children[0]!.exitCode).toBe(0);
    expect(supervisor.pid).toBeUndefined();
    await expect(fetch(`${ready.url}/health`)).rejects.toThrow();
    expect(unexpectedExit).not.toHaveBeenCalled();
  });

  it('reports a server process that dies, and restarts it on the same port', async () => {
    const first = await supervisor.start({ port: 0, dataDir: join(dir, 'data') });
    const crashed = new Promise<string>((resolve) => unexpectedExit.mockImplementation(resolve));
    children[0]!.kill('SIGKILL');
    expect(await crashed).toBe('signal SIGKILL');
    expect(supervisor.pid).toBeUndefined();

    // The killed process left its data-dir lock behind; a dead holder's lock is taken over.
    const second = await supervisor.restart({ port: first.port, dataDir: join(dir, 'data') });
    expect(second.url).toBe(first.url);
    expect(children).toHaveLength(2);
    expect(await (await fetch(`${second.url}/health`)).json()).toMatchObject({ status: 'healthy' });
    expect(unexpectedExit).toHaveBeenCalledOnce();
  });

  it('restart replaces a running server process', async () => {
    const first = await supervisor.start({ port: 0, dataDir: join(dir, 'data') });
    const second = await supervisor.restart({ port: first.port, dataDir: join(dir, 'data') });
    expect(children[0]!.exitCode).toBe(0);
    expect(second.url).toBe(first.url);
    expect(unexpectedExit).not.toHaveBeenCalled();
  });

  it('rejects with the server process error and ends that process', async () => {
    const notADirectory = join(dir, 'file');
    writeFileSync(notADirectory, '');
    const failure = supervisor.start({ port: 0, dataDir: notADirectory });
    await expect(failure).rejects.toThrow(ServerStartError);
    await expect(failure).rejects.toThrow(/EEXIST|ENOTDIR/);
    await exitOf(children[0]!);
    expect(children[0]!.exitCode).toBe(0);
    expect(unexpectedExit).not.toHaveBeenCalled();
  });

  it('rejects when the process ends before it is ready', async () => {
    const dying: ServerProcessHandle = {
      pid: 1,
      send: () => undefined,
      onMessage: () => undefined,
      onExit: (listener) => queueMicrotask(() => listener('exit code 3')),
      kill: () => undefined,
    };
    const failing = new ServerSupervisor(() => dying, unexpectedExit);
    await expect(failing.start({})).rejects.toThrow('the server process ended (exit code 3) before it was ready');
    expect(unexpectedExit).not.toHaveBeenCalled();
  });

  it('rejects a malformed reply and stops the process', async () => {
    const sent: unknown[] = [];
    let exit: (how: string) => void = () => undefined;
    const confused: ServerProcessHandle = {
      pid: 1,
      send: (message) => {
        sent.push(message);
        if (message.type === 'start') queueMicrotask(() => reply({ type: 'ready', url: 42 }));
        else queueMicrotask(() => exit('exit code 0'));
      },
      onMessage: (listener) => (reply = listener),
      onExit: (listener) => (exit = listener),
      kill: () => undefined,
    };
    let reply: (message: unknown) => void = () => undefined;
    const failing = new ServerSupervisor(() => confused, unexpectedExit);
    await expect(failing.start({ port: 0 })).rejects.toThrow(/malformed server process message/);
    await failing.stop();
    expect(sent).toEqual([{ type: 'start', options: { port: 0 } }, { type: 'shutdown' }]);
  });

  it('refuses a second start while one runs', async () => {
    await supervisor.start({ port: 0, dataDir: join(dir, 'data') });
    await expect(supervisor.start({ port: 0, dataDir: join(dir, 'other') })).rejects.toThrow('already running');
    expect(children).toHaveLength(1);
  });
});
