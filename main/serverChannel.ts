/**
 * The tiny transport under main/serverMessages.ts, so the server process and the main process exchange the
 * same messages whether the child runs as an Electron utility process (`process.parentPort`, `child.postMessage`)
 * or as a Node child (`process.send`, `child.send`), as in the tests.
 */
import type { ChildProcess } from 'node:child_process';
import type { FromServer, ToServer } from './serverMessages.js';

/** The server process's side: its parent. */
export interface ParentChannel {
  send(message: FromServer): void;
  onMessage(listener: (message: unknown) => void): void;
  /** The parent went away without saying so (Node IPC only: Electron ends utility processes with the app). */
  onDisconnect(listener: () => void): void;
}

interface ElectronParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
}

export class NoParentError extends Error {}

export function parentChannel(proc: NodeJS.Process = process): ParentChannel {
  const port = (proc as unknown as { parentPort?: ElectronParentPort | null }).parentPort;
  if (port) {
    return {
      send: (message) => port.postMessage(message),
      onMessage: (listener) => port.on('message', (event) => listener(event.data)),
      onDisconnect: () => undefined,
    };
  }
  if (proc.send) {
    const send = proc.send.bind(proc);
    return {
      send: (message) => send(message),
      onMessage: (listener) => proc.on('message', listener),
      onDisconnect: (listener) => proc.once('disconnect', listener),
    };
  }
  throw new NoParentError('the server process must be started by NPY Studio (utilityProcess.fork or child_process.fork)');
}

/** The main process's side: one server process. */
export interface ServerProcessHandle {
  readonly pid: number | undefined;
  send(message: ToServer): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Once, with how it ended, e.g. "exit code 1" or "signal SIGKILL". */
  onExit(listener: (how: string) => void): void;
  kill(): void;
}

/** The part of Electron's UtilityProcess we use. */
export interface UtilityProcessLike {
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  once(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export function fromUtilityProcess(child: UtilityProcessLike): ServerProcessHandle {
  return {
    get pid() {
      return child.pid;
    },
    send: (message) => child.postMessage(message),
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.once('exit', (code) => listener(`exit code ${code}`)),
    kill: () => child.kill(),
  };
}

export function fromChildProcess(child: ChildProcess): ServerProcessHandle {
  return {
    get pid() {
      return child.pid;
    },
    // A child that has just died has no channel left; its exit is reported through onExit.
    send: (message) => {
      if (child.connected) child.send(message, () => undefined);
    },
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.once('exit', (code, signal) => listener(signal ? `signal ${signal}` : `exit code ${code}`)),
    kill: () => child.kill(),
  };
}
