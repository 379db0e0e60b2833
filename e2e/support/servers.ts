import type { ServerOptions } from '../../server/options.js';
import { RENDERER_DIR } from '../../server/version.js';
import { type TestServer, startTestServer as startServerForTests } from '../../test/helpers/server.js';

export type { TestServer };

/** A real server on a free port with its own empty data folder, serving the built UI. */
export function startTestServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  return startServerForTests({ rendererDir: RENDERER_DIR, ...options });
}
