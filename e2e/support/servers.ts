import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, startServer } from '../../server/app.js';
import { silentLogger } from '../../server/logger.js';
import type { ServerOptions } from '../../server/options.js';
import { RENDERER_DIR } from '../../server/version.js';

export interface TestServer extends RunningServer {
  readonly dataDir: string;
  /** Closes the server and removes its data. */
  dispose(): Promise<void>;
}

/** A real server on a free port with its own empty data folder, serving the built UI. */
export async function startTestServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'npy-studio-e2e-'));
  const server = await startServer({ port: 0, dataDir, rendererDir: RENDERER_DIR, logger: silentLogger, ...options });
  return {
    ...server,
    dataDir,
    dispose: async () => {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
