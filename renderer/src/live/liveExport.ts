import { type CsvColumn, toCsv } from '../data/csv.js';
import type { LiveFrame } from './liveBuffer.js';

/** Legend name of series `index` of `count`: numpy's row index when there are several. */
export function seriesLabel(index: number, count: number): string {
  return count === 1 ? 'y' : `y[${index}]`;
}

/**
 * The points shown, rows [from, to) of the frame, as CSV: stream position, x, and each series'
 * value, rolling mean and rolling std.
 */
export function liveCsv(frame: LiveFrame, from: number, to: number): string {
  const count = frame.series.length;
  const suffix = (s: number) => (count === 1 ? '' : `_${s}`);
  const sample = Float64Array.from({ length: frame.x.length }, (_, i) => frame.firstSample + i);
  const columns: CsvColumn[] = [
    { name: 'sample', values: sample },
    { name: 'x', values: frame.x },
    ...frame.series.flatMap((s, i) => [
      { name: `y${suffix(i)}`, values: s.y },
      { name: `rolling_mean${suffix(i)}`, values: s.mean },
      { name: `rolling_std${suffix(i)}`, values: s.std },
    ]),
  ];
  return toCsv(columns, from, to);
}
