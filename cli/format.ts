/** Text the CLI prints: sizes, shapes, tables, array summaries and progress bars. */
import type { DType } from '../common/npy/dtype.js';
import { IntegerOffset, describeStats, summarizeValues } from '../common/stats.js';
import { formatBytes } from '../common/format.js';
import type { NumericArray } from '../common/npy/typed.js';
import type { Progress } from '../client/transfer.js';

/** Left-aligned columns under a header row. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** A number as a person reads it: integers whole, others to 6 significant digits. */
export function formatNumber(value: number | bigint): string {
  if (typeof value === 'bigint' || Number.isInteger(value)) return String(value);
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}

function element(values: NumericArray, dtype: DType, i: number): string {
  if (dtype.kind === 'b') return values[i] ? 'True' : 'False';
  if (dtype.kind !== 'c') return formatNumber(values[i]!);
  const [re, im] = [values[2 * i] as number, values[2 * i + 1] as number];
  return `${formatNumber(re)}${im < 0 || Object.is(im, -0) ? '-' : '+'}${formatNumber(Math.abs(im))}j`;
}

const EDGE = 3;

/** Indices of a row of n, with `undefined` where numpy would print `...`. */
function edgeIndices(n: number): (number | undefined)[] {
  if (n <= 2 * EDGE) return [...Array(n).keys()];
  return [...Array(EDGE).keys(), undefined, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)];
}

/** A numpy-like preview: 1-D and 2-D arrays with their edges, others as their first values. */
export function preview(values: NumericArray, shape: readonly number[], dtype: DType): string {
  const count = shape.reduce((a, b) => a * b, 1);
  const row = (offset: number, n: number) =>
    `[${edgeIndices(n)
      .map((i) => (i === undefined ? '...' : element(values, dtype, offset + i)))
      .join(', ')}]`;
  if (shape.length === 1) return row(0, count);
  if (shape.length === 2) {
    const [rows, cols] = shape as [number, number];
    const lines = edgeIndices(rows).map((r) => (r === undefined ? ' ...' : ` ${row(r * cols, cols)}`));
    return `[${lines.join(',\n').slice(1)}]`;
  }
  if (count === 0) return '[]';
  const first = Math.min(count, 2 * EDGE);
  const shown = Array.from({ length: first }, (_, i) => element(values, dtype, i)).join(', ');
  return `first values in C order: [${shown}${count > first ? ', ...' : ''}]`;
}

/**
 * The statistics the app shows too (common/stats.ts): min, max, mean and std of the finite values,
 * with NaN and ±Inf counted apart, `empty` without values; complex arrays as |z|, bool as counts.
 */
export function summarize(values: NumericArray, dtype: DType): string {
  if (dtype.kind === 'b') {
    const trues = (values as Uint8Array).reduce((n, v) => n + (v ? 1 : 0), 0);
    return `${trues} True, ${values.length - trues} False`;
  }
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    const integers = new IntegerOffset();
    const relative = Float64Array.from(values, (value) => integers.relative(value));
    return describeStats(integers.shiftStats(summarizeValues(relative)), formatNumber);
  }
  const numbers = dtype.kind === 'c' ? complexMagnitudes(values as ArrayLike<number>) : Float64Array.from(values as ArrayLike<number>);
  const text = describeStats(summarizeValues(numbers), formatNumber);
  return dtype.kind === 'c' && numbers.length > 0 ? `|z|: ${text}` : text;
}

function complexMagnitudes(interleaved: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: interleaved.length / 2 }, (_, i) => Math.hypot(interleaved[2 * i]!, interleaved[2 * i + 1]!));
}

/** A Unix time in seconds as UTC with milliseconds: `2026-12-02T05:13:20.123Z`, never cut to 6 digits. */
export function formatTime(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? `t=${seconds}` : date.toISOString();
}

const BAR_WIDTH = 30;

/** One progress line: `label [=====>     ]  45%  1.2 MiB / 2.7 MiB`. */
export function progressLine(label: string, { loaded, total }: Progress): string {
  if (!total) return `${label}  ${formatBytes(loaded)}`;
  const fraction = Math.min(1, loaded / total);
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = '='.repeat(Math.max(0, filled - 1)) + (filled > 0 ? (filled === BAR_WIDTH ? '=' : '>') : '') + ' '.repeat(BAR_WIDTH - filled);
  return `${label} [${bar}] ${String(Math.floor(fraction * 100)).padStart(3)}%  ${formatBytes(loaded)} / ${formatBytes(total)}`;
}
