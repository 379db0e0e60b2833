import type { RunningServer } from './app.js';
import type { Logger } from './logger.js';

/** Tells the user where the server is, and the URL with its token when one is required. */
export function announce(server: RunningServer, logger: Logger): void {
  logger.info(`NPY Studio server listening on ${server.url} (data in ${server.store.dataDir})`);
  if (server.token) logger.info(`Access token required. Open the UI at:\n    ${server.browserUrl}`);
}
