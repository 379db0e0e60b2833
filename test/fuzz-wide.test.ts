/** The short form of issue 10's fuzzers (`npm run fuzz` runs the long one): sized by counts, a few seconds each. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzJsonMessages } from './fuzz/jsonFuzz.js';
import { fuzzRawRequests } from './fuzz/rawFuzz.js';
import { soak } from './fuzz/soak.js';
import { type TestServer, capturingLogger, startTestServer } from './helpers/server.js';
import { BEYOND_HANG_HEARTBEAT_MS } from './helpers/wait.js';

describe('wide fuzzing (short run)', () => {
  let server: TestServer;
  const logger = capturingLogger();
  beforeAll(async () => {
    // The soak's non-readers and flooders read nothing for as long as it runs.
    server = await startTestServer({ logger, heartbeatMs: BEYOND_HANG_HEARTBEAT_MS });
  });
  afterAll(() => server.dispose());

  it('answers 600 raw requests (request line, headers, upgrades) with no 5xx, hang or crash', async () => {
    const result = await fuzzRawRequests(server.port, 600, 21);
    expect(result.failures).toEqual([]);
    expect(result.requests).toBe(600);
    expect(result.byStatus['4xx']).toBeGreaterThan(400); // the grammar must mostly produce refusals, or it tests nothing
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('answers each of 600 grammar-built JSON messages on both sockets exactly once, closing neither', async () => {
    const result = await fuzzJsonMessages(server.url, 600, 22);
    expect(result.failures).toEqual([]);
    expect(result.errors + result.pongs + result.statuses + result.published + result.rateLimited).toBe(600);
    expect(result.errors).toBeGreaterThan(300);
    expect(result.published).toBeGreaterThan(0);
  });

  it('keeps a reading subscriber whole while non-reading, slow and flooding peers hold only bounded queues', async () => {
    const queued: number[] = [];
    const result = await soak(server.url, {
      channel: 'soak-short',
      packets: 12,
      packetValues: 20_000,
      nonReaders: 4,
      slowReaders: 2,
      flooders: 2,
      floodMessages: 5_000,
      onPacket: () => {
        for (const subscriber of server.hub.channel('soak-short').subscribers) queued.push(subscriber.socket.bufferedAmount);
      },
    });
    expect(result.failures).toEqual([]);
    expect(result.readerReceived).toBe(12);
    expect(result.slowReceived).toBeGreaterThan(0);
    // A packet is ~0.4 MB as JSON: nobody's queue passes the 8 MiB limit by more than one packet.
    expect(Math.max(...queued)).toBeLessThan(8 * 1024 ** 2 + 2 * 1024 ** 2);
    expect([...logger.errors, ...logger.warnings].filter((line) => line.includes('\n'))).toEqual([]);
  });
});
