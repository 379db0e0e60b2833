/** Whole-number ticks for an index axis showing [from, to): about `target` of them, at 1, 2 or 5 × 10^k apart. */
export function indexTicks(from: number, to: number, target: number): number[] {
  const span = Math.max(1, to - from);
  const raw = span / Math.max(1, target);
  const power = 10 ** Math.floor(Math.log10(Math.max(1, raw)));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power);
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t < to; t += step) ticks.push(t);
  return ticks;
}
