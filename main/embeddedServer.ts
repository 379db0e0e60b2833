/** The server the app runs itself: the same `startServer` as `npm run serve`, moved along when its port is taken. */
import { announce } from '../server/announce.js';
import { type RunningServer, startServer } from '../server/app.js';
import type { Logger } from '../server/logger.js';
import { type ServerOptions, withDefaults } from '../server/options.js';
import { RENDERER_DIR } from '../server/version.js';
import { busyPortsNote, startOnFreePort } from './ports.js';

export interface EmbeddedServer {
  server: RunningServer;
  /** Set when the requested port was busy, e.g. "port 8000 was busy". */
  portNote?: string;
}

export async function startEmbeddedServer(flags: Partial<ServerOptions>, logger: Logger): Promise<EmbeddedServer> {
  const options = withDefaults({ rendererDir: RENDERER_DIR, logger, ...flags });
  const { value: server, busyPorts } = await startOnFreePort((port) => startServer({ ...options, port }), options.port);
  const portNote = busyPortsNote(busyPorts);
  if (portNote) logger.warn(`${portNote}; using port ${server.port} instead`);
  announce(server, logger);
  return { server, portNote };
}

export interface SignalSource {
  once(signal: NodeJS.Signals, listener: () => void): unknown;
}

/** `--server-only`: serves until SIGINT or SIGTERM, then closes the server and exits 0. */
export async function runServerOnly(
  flags: Partial<ServerOptions>,
  logger: Logger,
  signals: SignalSource,
  exit: (code: number) => void,
): Promise<RunningServer> {
  const { server } = await startEmbeddedServer(flags, logger);
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received, shutting down`);
    server.close().then(
      () => exit(0),
      (err: Error) => {
        logger.error(`closing the server failed: ${err.message}`);
        exit(1);
      },
    );
  };
  signals.once('SIGINT', () => shutdown('SIGINT'));
  signals.once('SIGTERM', () => shutdown('SIGTERM'));
  return server;
}
