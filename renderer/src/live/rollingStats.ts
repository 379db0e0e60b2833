/**
 * Mean and population standard deviation (numpy's default, ddof=0) of the last `window` values,
 * updated in O(1) per value. Non-finite values count as missing. The sliding (add/remove) Welford
 * update drifts slowly, so the sums are recomputed exactly once per `window` values.
 */
export class RollingStats {
  private readonly recent: Float64Array;
  private next = 0;
  private filled = 0;
  private sinceExact = 0;
  private n = 0;
  private mean = 0;
  private m2 = 0;

  constructor(readonly window: number) {
    if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be a positive integer, got ${window}`);
    this.recent = new Float64Array(window);
  }

  /** Adds a value; returns the statistics of the window that ends with it (NaN while it holds no finite value). */
  push(value: number): { mean: number; std: number } {
    if (this.filled === this.window) this.remove(this.recent[this.next]!);
    else this.filled++;
    this.recent[this.next] = value;
    this.next = (this.next + 1) % this.window;
    this.add(value);
    if (++this.sinceExact >= this.window) this.recomputeExactly();
    return this.current();
  }

  current(): { mean: number; std: number } {
    if (this.n === 0) return { mean: NaN, std: NaN };
    return { mean: this.mean, std: Math.sqrt(Math.max(0, this.m2) / this.n) };
  }

  private add(value: number): void {
    if (!Number.isFinite(value)) return;
    this.n++;
    const delta = value - this.mean;
    this.mean += delta / this.n;
    this.m2 += delta * (value - this.mean);
  }

  private remove(value: number): void {
    if (!Number.isFinite(value)) return;
    if (this.n === 1) {
      this.n = this.mean = this.m2 = 0;
      return;
    }
    const delta = value - this.mean;
    this.mean -= delta / (this.n - 1);
    this.m2 -= delta * (value - this.mean);
    this.n--;
  }

  private recomputeExactly(): void {
    this.sinceExact = 0;
    this.n = this.mean = this.m2 = 0;
    for (let i = 0; i < this.filled; i++) this.add(this.recent[i]!);
  }
}

/**
 * Rolling mean and std at each index in [from, to) of `values`, each over the `window` values
 * ending there (fewer where the series starts), as RollingStats gives them.
 */
export function rollingSeries(
  values: ArrayLike<number>,
  window: number,
  from: number,
  to: number,
): { mean: Float64Array; std: Float64Array } {
  const stats = new RollingStats(window);
  const mean = new Float64Array(Math.max(0, to - from));
  const std = new Float64Array(mean.length);
  for (let i = Math.max(0, from - window + 1); i < to; i++) {
    const current = stats.push(values[i]!);
    if (i < from) continue;
    mean[i - from] = current.mean;
    std[i - from] = current.std;
  }
  return { mean, std };
}
