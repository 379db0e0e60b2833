import WebSocket from 'ws';
import { NpyClient, type NumericArray } from '../../client/index.js';
import type { Publisher } from '../../client/publish.js';

/** The y of packet number i, and its shape. */
export type PacketMaker = (i: number) => { y: NumericArray; shape: number[] };

/**
 * A producer the test controls: sends packets one `send()` at a time, or keeps sending every
 * `intervalMs` from `run()` until `stop()` — never a fixed count that outlives the test.
 */
export class TestProducer {
  sent = 0;
  private publisher?: Publisher;
  private timer?: ReturnType<typeof setInterval>;

  constructor(
    private readonly serverUrl: string,
    readonly channel: string,
    private readonly makePacket: PacketMaker,
  ) {}

  async open(): Promise<this> {
    this.publisher = new NpyClient({ baseUrl: this.serverUrl, webSocket: (url) => new WebSocket(url) }).publish(this.channel);
    await this.publisher.ready();
    return this;
  }

  /** Sends `count` packets now. */
  send(count = 1): void {
    for (let k = 0; k < count; k++) {
      if (this.publisher!.send(this.makePacket(this.sent))) this.sent++;
    }
  }

  run(intervalMs: number, packetsPerTick = 1): void {
    this.stop();
    this.timer = setInterval(() => this.send(packetsPerTick), intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  close(): void {
    this.stop();
    this.publisher?.close();
  }
}

/** k series of n samples of sines with different periods and offsets: series s is near s × 10. */
export function sinePackets(series: number, n: number): PacketMaker {
  return (i) => ({
    y: Float64Array.from({ length: series * n }, (_, j) => {
      const s = Math.floor(j / n);
      const sample = i * n + (j % n);
      return s * 10 + Math.sin(sample / (40 + 25 * s));
    }),
    shape: series > 1 ? [series, n] : [n],
  });
}
