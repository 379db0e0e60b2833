#!/usr/bin/env node
/** `npm run serve`: the server alone, in plain Node. */
import { announce } from './announce.js';
import { startServer } from './app.js';
import { SERVER_USAGE, UsageError, parseServerArgs } from './cliOptions.js';
import { consoleLogger } from './logger.js';
import { RENDERER_DIR } from './version.js';

async function main(): Promise<void> {
  let args;
  try {
    args = parseServerArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`npy-studio-server: ${err.message}\n\n${SERVER_USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    console.log(`Usage: npy-studio-server [options]\n\n${SERVER_USAGE}`);
    return;
  }
  const { help: _help, ...options } = args;
  const server = await startServer({ rendererDir: RENDERER_DIR, logger: consoleLogger, ...options }).catch((err: NodeJS.ErrnoException) => {
    console.error(
      err.code === 'EADDRINUSE'
        ? `npy-studio-server: port ${options.port ?? 8000} is already in use; pick another with --port`
        : `npy-studio-server: ${err.message}`,
    );
    process.exit(1);
  });
  announce(server, consoleLogger);
  const shutdown = (signal: string) => {
    console.log(`${signal} received, shutting down`);
    server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

await main();
