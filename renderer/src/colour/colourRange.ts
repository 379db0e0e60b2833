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

/** Values sorted for percentiles by default: at most this many, so a large image costs the same as a small one. */
const PERCENTILE_SAMPLE = 1 << 18;
/** The golden ratio's fraction: successive multiples of it spread evenly over [0, 1) and never repeat. */
const GOLDEN = 0.6180339887498949;

/**
 * The range a mode gives for these values; NaN bounds when there is no finite value. Percentiles
 * come from at most `sample` values, one from each run of equal length at a position that varies
 * from run to run (so rows of an image whose width divides the run length are not sampled in
 * the same column every time).
 */
export function resolveRange(values: ArrayLike<number>, range: ColourRangeMode, sample = PERCENTILE_SAMPLE): ColourRange {
  if (range.mode === 'fixed') return { min: range.min, max: range.max };
  const step = Math.max(1, values.length / sample);
  const picked = new Float64Array(Math.min(values.length, Math.ceil(values.length / step)));
  let count = 0;
  for (let i = 0; i < picked.length; i++) {
    const v = values[Math.min(values.length - 1, Math.floor((i + (step > 1 ? (i * GOLDEN) % 1 : 0)) * step))]!;
    if (Number.isFinite(v)) picked[count++] = v;
  }
  if (count === 0) return { min: NaN, max: NaN };
  const sorted = picked.subarray(0, count).sort();
  const at = (percent: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round((percent / 100) * (sorted.length - 1))))]!;
  return { min: at(range.low), max: at(range.high) };
}

/** How far (as a share of its span) either end of a live picture's range may move before the picture takes the new range. */
const SETTLE_SHARE = 0.01;

/**
 * The range a live picture colours with: the one it had while the newly resolved range's ends lie
 * within a hundredth of its span of it, else the new one. Each new row of a waterfall moves sampled
 * percentiles in their last digits; without this the whole picture (and its legend's numbers)
 * would change colour slightly on every frame.
 */
export function settledRange(previous: ColourRange | undefined, next: ColourRange): ColourRange {
  if (!previous) return next;
  const tolerance = SETTLE_SHARE * (previous.max - previous.min);
  const close = (a: number, b: number) => Math.abs(a - b) <= tolerance;
  return tolerance > 0 && close(previous.min, next.min) && close(previous.max, next.max) ? previous : next;
}
