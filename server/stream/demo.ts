import { type Repeat, repeatWithTimer } from '../schedule.js';
import type { Channel } from './channel.js';
import { type StreamPacket, float64Array } from './packet.js';

export interface DemoOptions {
  /** Packets per second. */
  readonly rate: number;
  readonly pointsPerPacket: number;
  readonly repeat?: Repeat;
}

/**
 * The seed's simulated sensor: each packet is x = linspace(t, t + 2π, n), y = sin(x) + N(0, 0.1²),
 * with t advancing by 0.1 per packet. Runs only while started.
 */
export class DemoSource {
  private cancel?: () => void;
  private t = 0;

  constructor(
    private readonly channel: Channel,
    private readonly options: DemoOptions,
    private readonly random: () => number = Math.random,
  ) {}

  get streaming(): boolean {
    return this.cancel !== undefined;
  }

  /** Starts (if stopped) and tells every demo subscriber the state, as the seed does on each start. */
  start(): void {
    const repeat = this.options.repeat ?? repeatWithTimer;
    this.cancel ??= repeat(1000 / this.options.rate, () => this.channel.publish(this.next()));
    this.channel.broadcast({ type: 'status', streaming: true });
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
    this.channel.broadcast({ type: 'status', streaming: false });
  }

  /** The next packet; public so tests can check its content without timers. */
  next(): StreamPacket {
    const n = this.options.pointsPerPacket;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = this.t + (n === 1 ? 0 : (2 * Math.PI * i) / (n - 1));
      y[i] = Math.sin(x[i]!) + 0.1 * this.gaussian();
    }
    const packet: StreamPacket = { timestamp: this.t, x, y: float64Array(y, [n]), t: this.channel.sampleTimes(n, {}) };
    this.t = Math.round((this.t + 0.1) * 1e9) / 1e9;
    return packet;
  }

  private gaussian(): number {
    // Box–Muller; 1 - random() keeps the logarithm's argument in (0, 1].
    return Math.sqrt(-2 * Math.log(1 - this.random())) * Math.cos(2 * Math.PI * this.random());
  }
}
