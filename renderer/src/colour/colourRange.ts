/**
 * How the ends of a colour scale are chosen: percentiles of the finite values shown (1–99 by
 * default, so one outlier does not wash the image out), or fixed numbers. This shape is saved in
 * workspace layouts.
 */
export type ColourRangeMode =
  | { readonly mode: 'percentile'; readonly low: number; readonly high: number }
  | { readonly mode: 'fixed'; readonly min: number; readonly max: number };

export const DEFAULT_COLOUR_RANGE: ColourRangeMode = { mode: 'percentile', low: 1, high: 99 };

export interface ColourRange {
  readonly min: number;
  readonly max: number;
}

/** Values sorted for percentiles: at most this many, evenly picked, so a large image costs the same as a small one. */
const PERCENTILE_SAMPLE = 1 << 18;

/** The range a mode gives for these values; NaN bounds when there is no finite value. */
export function resolveRange(values: ArrayLike<number>, range: ColourRangeMode): ColourRange {
  if (range.mode === 'fixed') return { min: range.min, max: range.max };
  const step = Math.max(1, values.length / PERCENTILE_SAMPLE);
  const finite: number[] = [];
  for (let i = 0; i < values.length; i += step) {
    const v = values[Math.floor(i)]!;
    if (Number.isFinite(v)) finite.push(v);
  }
  if (finite.length === 0) return { min: NaN, max: NaN };
  const sorted = Float64Array.from(finite).sort();
  const at = (percent: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round((percent / 100) * (sorted.length - 1))))]!;
  return { min: at(range.low), max: at(range.high) };
}
