import WebSocket from 'ws';
import { NpyClient, type PublishPacket } from '../../client/index.js';
import type { Publisher } from '../../client/publish.js';

/** Packet number i: its y and shape, and its times when the test gives them. */
export type PacketMaker = (i: number) => PublishPacket;

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

  /** Resolves once the server has handled every packet sent so far. */
  flush(): Promise<void> {
    return this.publisher!.flush();
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

/**
 * k series of n samples on a clock of their own: packet i holds samples i·n … i·n + n − 1, sample j of it at
 * `start + i·seconds + j·seconds/n`, series s of sample k being `value(k, s)`. Values and times are known whatever the load.
 */
export function timedPackets(
  series: number,
  n: number,
  start: number,
  seconds: number,
  value: (sample: number, series: number) => number,
): PacketMaker {
  return (i) => ({
    y: Float64Array.from({ length: series * n }, (_, j) => value(i * n + (j % n), Math.floor(j / n))),
    shape: series > 1 ? [series, n] : [n],
    timestamp: start + i * seconds,
    rate: n / seconds,
  });
}
