/**
 * Summary statistics as NPY Studio shows them everywhere (UI, CLI): min, max, mean and std are of
 * the finite values only; NaN, +Inf and -Inf are counted beside them. Without finite values the
 * four are null ("empty" when there are no values at all).
 */
export interface ValueStats {
  /** All values, finite or not. */
  readonly count: number;
  readonly finite: number;
  readonly nan: number;
  readonly posInf: number;
  readonly negInf: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  /** Population standard deviation (numpy's default, ddof=0). */
  readonly std: number | null;
}

/** Streams values in, in any number of pieces; merges each piece's mean and squared deviations (Chan et al.), which stays accurate far from zero. */
export class StatsAccumulator {
  private count = 0;
  private finite = 0;
  private nan = 0;
  private posInf = 0;
  private negInf = 0;
  private min = Infinity;
  private max = -Infinity;
  private mean = 0;
  private m2 = 0;

  add(values: ArrayLike<number>, from = 0, to = values.length): void {
    let n = 0;
    let sum = 0;
    for (let i = from; i < to; i++) {
      const v = values[i]!;
      if (v - v === 0) {
        n++;
        sum += v;
        if (v < this.min) this.min = v;
        if (v > this.max) this.max = v;
      } else if (v !== v) this.nan++;
      else if (v > 0) this.posInf++;
      else this.negInf++;
    }
    this.count += to - from;
    if (n === 0) return;
    const pieceMean = sum / n;
    let pieceM2 = 0;
    for (let i = from; i < to; i++) {
      const v = values[i]!;
      if (v - v === 0) pieceM2 += (v - pieceMean) * (v - pieceMean);
    }
    const total = this.finite + n;
    const delta = pieceMean - this.mean;
    this.mean += (delta * n) / total;
    this.m2 += pieceM2 + (delta * delta * this.finite * n) / total;
    this.finite = total;
  }

  result(): ValueStats {
    const { count, finite, nan, posInf, negInf } = this;
    if (finite === 0) return { count, finite, nan, posInf, negInf, min: null, max: null, mean: null, std: null };
    return { count, finite, nan, posInf, negInf, min: this.min, max: this.max, mean: this.mean, std: Math.sqrt(this.m2 / finite) };
  }
}

/**
 * 64-bit integers far from zero lose their low digits as doubles (2^64 - 1 and 2^64 - 200 are one
 * double, so their std came out 0). Read them as differences from their first value, exact while
 * the values span less than 2^53, and shift the statistics back with `shiftStats`.
 */
export class IntegerOffset {
  private first?: bigint;

  /** The value as a double, relative to the first value seen. */
  relative(value: bigint): number {
    this.first ??= value;
    return Number(value - this.first);
  }

  /** Statistics of the relative values, shifted back to the values themselves. */
  shiftStats(stats: ValueStats): ValueStats {
    const first = this.first;
    if (first === undefined || stats.min === null || stats.max === null || stats.mean === null) return stats;
    const back = (relative: number) => Number(first + BigInt(relative));
    return { ...stats, min: back(stats.min), max: back(stats.max), mean: Number(first) + stats.mean };
  }
}

export function summarizeValues(values: ArrayLike<number>): ValueStats {
  const stats = new StatsAccumulator();
  stats.add(values);
  return stats.result();
}

/** One line for people: `min 1  max 3  mean 2  std 0.816497 (of 3 finite; 1 NaN, 1 +Inf)`, or `empty`. */
export function describeStats(stats: ValueStats, format: (value: number) => string): string {
  if (stats.count === 0) return 'empty';
  const others = [stats.nan && `${stats.nan} NaN`, stats.posInf && `${stats.posInf} +Inf`, stats.negInf && `${stats.negInf} -Inf`].filter(
    Boolean,
  );
  const cover = `of ${stats.finite} finite${others.length ? `; ${others.join(', ')}` : ''}`;
  if (stats.min === null) return `no finite values (${others.join(', ')})`;
  return `min ${format(stats.min)}  max ${format(stats.max!)}  mean ${format(stats.mean!)}  std ${format(stats.std!)}  (${cover})`;
}
