import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../server/app.js';
import { silentLogger } from '../server/logger.js';
import { fuzzCodec, fuzzHttp, loadSeedCorpus } from './fuzz/runFuzz.js';
import { fuzzWebSockets } from './fuzz/wsFuzz.js';

const seeds = loadSeedCorpus();

describe('fuzzing (short run; `npm run fuzz` for the long one)', () => {
  it('the codec accepts or cleanly refuses 10,000 mutated files', () => {
    const result = fuzzCodec(seeds, 10_000, 7);
    expect(result.failures).toEqual([]);
    expect(result.files).toBe(10_000);
    // The mutator must mostly produce invalid files, or it tests nothing.
    expect(result.rejected).toBeGreaterThan(7_000);
  });

  describe('over HTTP', () => {
    let server: RunningServer;
    let dataDir: string;
    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'npy-fuzz-'));
      server = await startServer({ port: 0, host: '127.0.0.1', dataDir, logger: silentLogger });
    });
    afterAll(() => server.close());

    it('answers every one of 1,500 mutants with 200 or a 4xx detail, and stores exactly the valid ones', async () => {
      const before = server.store.list();
      const result = await fuzzHttp(server.url, seeds, 1_500, 11);
      expect(result.failures).toEqual([]);
      expect(result.accepted + result.rejected).toBe(1_500);
      const after = server.store.list();
      expect(after.slice(0, before.length)).toEqual(before);
      expect(after.length).toBe(before.length + result.accepted);
      expect(readdirSync(join(dataDir, 'tmp'))).toEqual([]);
      const health = await fetch(`${server.url}/health`);
      expect(health.status).toBe(200);
    });

    it('answers each of 2,000 malformed WebSocket messages with an error (or publishes it, if valid) and keeps the sockets open', async () => {
      const result = await fuzzWebSockets(server.url, seeds, 2_000, 5);
      expect(result.failures).toEqual([]);
      expect(result.messages).toBe(2_000);
      expect(result.errors).toBeGreaterThan(1_800);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    });
  });
});
