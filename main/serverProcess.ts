/**
 * The embedded server's process: plain Node, no Electron. It starts the server when the main process says
 * `start`, answers `ready` (URL, token) or `error` (busy ports, a locked data dir, ...), and on `shutdown`
 * closes the server and exits 0. Running it apart keeps uploads, fsyncs, JSON rendering and stream fan-out
 * off the main process, which owns the window, menus and IPC.
 */
import type { RunningServer } from '../server/app.js';
import type { Logger } from '../server/logger.js';
import { startEmbeddedServer } from './embeddedServer.js';
import type { ParentChannel } from './serverChannel.js';
import { ServerMessageError, type StartOptions, ToServerSchema, readMessage } from './serverMessages.js';

export function serveParent(channel: ParentChannel, logger: Logger, exit: (code: number) => void): void {
  let state: 'idle' | 'starting' | 'serving' | 'stopping' = 'idle';
  let server: RunningServer | undefined;
  let stopRequested = false;

  const stop = async () => {
    state = 'stopping';
    try {
      await server?.close();
      exit(0);
    } catch (err) {
      logger.error(`closing the server failed: ${(err as Error).message}`);
      exit(1);
    }
  };

  const start = async (options: StartOptions) => {
    state = 'starting';
    try {
      const embedded = await startEmbeddedServer(options, logger);
      server = embedded.server;
      const { url, browserUrl, port, token } = server;
      channel.send({ type: 'ready', url, browserUrl, port, token, dataDir: server.store.dataDir, portNote: embedded.portNote });
      state = 'serving';
    } catch (err) {
      channel.send({ type: 'error', message: (err as Error).message });
      state = 'idle';
    }
    if (stopRequested) await stop();
  };

  const requestStop = () => {
    if (state === 'starting') stopRequested = true;
    else if (state !== 'stopping') void stop();
  };

  channel.onMessage((raw) => {
    let message;
    try {
      message = readMessage(ToServerSchema, raw);
    } catch (err) {
      if (!(err instanceof ServerMessageError)) throw err;
      logger.error(err.message);
      return;
    }
    if (message.type === 'start') {
      if (state === 'idle') void start(message.options);
      else logger.warn(`start ignored: the server is ${state}`);
    } else {
      requestStop();
    }
  });
  channel.onDisconnect(requestStop);
}
