/**
 * Tick labels that stay distinct: as many significant digits as the tick step needs, so ticks
 * 18446744073709550000 and 18446744073709552000 do not both read 2e19.
 */
export function tickLabel(value: number, step: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (Number.isInteger(value) && Number.isInteger(step) && magnitude < 1e15) return String(value);
  const digits = Math.min(17, Math.max(2, Math.ceil(Math.log10(magnitude / Math.abs(step || magnitude))) + 2));
  if (magnitude >= 1e6 || magnitude < 1e-3) return value.toExponential(digits - 1).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(digits)));
}

/** Chart.js tick callback using tickLabel with the step between neighbouring ticks. */
export function distinctTicks(value: number | string, index: number, ticks: readonly { value: number }[]): string {
  const v = Number(value);
  const neighbour = ticks[index + 1] ?? ticks[index - 1];
  return tickLabel(v, neighbour ? Math.abs(neighbour.value - v) : Math.abs(v));
}

/** Whole-number ticks for index axes (Chart.js would otherwise put ticks at 0.5). */
export function integerTicks(value: number | string): string {
  const v = Number(value);
  return Number.isInteger(v) ? String(v) : '';
}

/** Log axes: powers of ten only, as `1e-5` or `0.01`, so the ticks between decades stay unlabelled. */
export function decadeTicks(value: number | string): string {
  const v = Number(value);
  if (!(v > 0)) return '';
  const exponent = Math.round(Math.log10(v));
  return Math.abs(v / 10 ** exponent - 1) < 1e-9 ? tickLabel(v, v) : '';
}
