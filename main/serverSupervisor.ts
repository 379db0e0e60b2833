/**
 * The main process's hold on the embedded server's process: starts it and waits for its URL and token,
 * stops it, restarts it, and reports when it dies on its own.
 */
import type { ServerProcessHandle } from './serverChannel.js';
import { FromServerSchema, ServerMessageError, type ServerReady, type StartOptions, readMessage } from './serverMessages.js';

/** How long a server process may take to close before it is killed, unless the supervisor is given another. */
export const STOP_GRACE_MS = 10_000;

export class ServerStartError extends Error {}

interface Running {
  readonly handle: ServerProcessHandle;
  readonly exited: Promise<string>;
  stopping: boolean;
}

export class ServerSupervisor {
  private running: Running | undefined;

  /**
   * @param spawn starts a server process (utilityProcess.fork in the app)
   * @param onUnexpectedExit called when a server that was serving exits without being asked to
   * @param stopGraceMs how long `stop()` waits for the process to close before killing it
   */
  constructor(
    private readonly spawn: () => ServerProcessHandle,
    private readonly onUnexpectedExit: (how: string) => void,
    private readonly stopGraceMs = STOP_GRACE_MS,
  ) {}

  get pid(): number | undefined {
    return this.running?.handle.pid;
  }

  /** Starts a server process; resolves once it serves, rejects with its reason (ServerStartError) when it cannot. */
  start(options: StartOptions): Promise<ServerReady> {
    if (this.running) return Promise.reject(new Error('the server process is already running'));
    const handle = this.spawn();
    let serving = false;
    const exited = new Promise<string>((resolve) => handle.onExit(resolve));
    const running: Running = { handle, exited, stopping: false };
    this.running = running;
    void exited.then((how) => {
      if (this.running === running) this.running = undefined;
      if (serving && !running.stopping) this.onUnexpectedExit(how);
    });

    return new Promise<ServerReady>((resolve, reject) => {
      handle.onMessage((raw) => {
        let message;
        try {
          message = readMessage(FromServerSchema, raw);
        } catch (err) {
          if (!(err instanceof ServerMessageError)) throw err;
          void this.stop();
          reject(err);
          return;
        }
        if (message.type === 'ready') {
          serving = true;
          resolve(message);
        } else {
          // The process stays up after a failed start; it is no use now.
          void this.stop();
          reject(new ServerStartError(message.message));
        }
      });
      void exited.then((how) => reject(new ServerStartError(`the server process ended (${how}) before it was ready`)));
      handle.send({ type: 'start', options });
    });
  }

  /** Asks the server process to close, kills it if it has not within the grace period, and waits for it to end. */
  async stop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    if (!running.stopping) {
      running.stopping = true;
      running.handle.send({ type: 'shutdown' });
    }
    const killer = setTimeout(() => running.handle.kill(), this.stopGraceMs);
    await running.exited;
    clearTimeout(killer);
  }

  /** Stops the current server process, if any, and starts another. */
  async restart(options: StartOptions): Promise<ServerReady> {
    await this.stop();
    return this.start(options);
  }
}
