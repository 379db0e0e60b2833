/** How the ends of a colour scale are chosen: percentiles of the finite values shown, or fixed numbers. */
export type ColourRangeMode = { mode: 'percentile'; low: number; high: number } | { mode: 'fixed'; min: number; max: number };

export const DEFAULT_COLOUR_RANGE: ColourRangeMode = { mode: 'percentile', low: 1, high: 99 };

const MAX_SAMPLES = 20_000;

/**
 * The [min, max] of a colour scale for `values`. Percentiles are taken over at most 20,000
 * evenly strided finite values (exact for fewer), so a large image costs the same as a small one.
 * Undefined when there is no finite value.
 */
export function colourRange(values: ArrayLike<number>, range: ColourRangeMode): { min: number; max: number } | undefined {
  if (range.mode === 'fixed') return { min: range.min, max: range.max };
  const stride = Math.max(1, Math.floor(values.length / MAX_SAMPLES));
  const finite: number[] = [];
  for (let i = 0; i < values.length; i += stride) if (Number.isFinite(values[i]!)) finite.push(values[i]!);
  if (finite.length === 0) return undefined;
  const sorted = Float64Array.from(finite).sort();
  const at = (percent: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round((percent / 100) * (sorted.length - 1))))]!;
  return { min: at(range.low), max: at(range.high) };
}
