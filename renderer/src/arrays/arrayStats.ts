export interface ArrayStats {
  readonly count: number;
  readonly nan: number;
  readonly infinite: number;
  /** Of the finite values; NaN when there are none. */
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Population standard deviation (numpy's default, ddof=0). */
  readonly std: number;
}

export function summarize(values: ArrayLike<number>): ArrayStats {
  let nan = 0;
  let infinite = 0;
  let finite = 0;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (Number.isNaN(value)) nan++;
    else if (!Number.isFinite(value)) infinite++;
    else {
      finite++;
      sum += value;
      if (value < min) min = value;
      if (value > max) max = value;
    }
  }
  if (finite === 0) return { count: values.length, nan, infinite, min: NaN, max: NaN, mean: NaN, std: NaN };
  const mean = sum / finite;
  // Second pass: summing squared deviations stays accurate where E[x²] − E[x]² would cancel.
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (Number.isFinite(value)) squares += (value - mean) ** 2;
  }
  return { count: values.length, nan, infinite, min, max, mean, std: Math.sqrt(squares / finite) };
}
