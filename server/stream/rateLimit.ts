import { type Now, monotonicNow } from '../schedule.js';

/** A token bucket: `rate` events per second on average, bursts of up to one second's worth. */
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    readonly rate: number,
    private readonly now: Now = monotonicNow,
  ) {
    this.tokens = rate;
    this.last = now();
  }

  /** Takes one token if there is one. */
  tryTake(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
