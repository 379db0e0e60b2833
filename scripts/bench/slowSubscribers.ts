/**
 * Issue 10's memory check: 20 JSON subscribers that never read and a producer of 1M-float64 packets.
 * The server (its own process, fresh) must grow by less than 100 MB and a reading subscriber must get
 * every packet. Run by `npm run fuzz`; alone with `tsx scripts/bench/slowSubscribers.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { soak } from '../../test/fuzz/soak.js';
import { spawnServer } from '../../test/helpers/serverProcess.js';

export interface SlowSubscriberFigures {
  readonly baselineMB: number;
  readonly peakMB: number;
  readonly growthMB: number;
  readonly published: number;
  readonly readerReceived: number;
  readonly failures: string[];
}

export async function checkSlowSubscribers(packets = 20, nonReaders = 20): Promise<SlowSubscriberFigures> {
  const scratch = mkdtempSync(join(tmpdir(), 'npy-slow-subscribers-'));
  const server = await spawnServer(join(scratch, 'data'), [], () => {});
  try {
    // The baseline is the server with its code loaded and one packet's path warmed up, before the slow peers.
    await soak(server.url, {
      channel: 'warm-up',
      packets: 2,
      packetValues: 1 << 20,
      nonReaders: 0,
      slowReaders: 0,
      flooders: 0,
      floodMessages: 0,
    });
    const baselineMB = server.memory().rssMB;
    let peakMB = baselineMB;
    const sample = () => (peakMB = Math.max(peakMB, server.memory().rssMB));
    const sampler = setInterval(sample, 50);
    const result = await soak(server.url, {
      channel: 'slow-subscribers',
      packets,
      packetValues: 1 << 20,
      nonReaders,
      slowReaders: 0,
      flooders: 0,
      floodMessages: 0,
      onPacket: sample,
    });
    clearInterval(sampler);
    sample();
    return {
      baselineMB,
      peakMB,
      growthMB: peakMB - baselineMB,
      published: result.published,
      readerReceived: result.readerReceived,
      failures: result.failures,
    };
  } finally {
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await checkSlowSubscribers();
  console.log(JSON.stringify({ figure: 'slow_json_subscribers', ...figures, target_growth_MB: 100 }));
  process.exit(figures.growthMB < 100 && figures.failures.length === 0 ? 0 : 1);
}
