import { typedArrayToNpy } from '../../../common/npy/typed.js';
import { csvNumber } from '../data/csv.js';
import type { ExportSeries } from './panels/panel.js';

/**
 * A panel's visible samples as CSV in long form, one line per sample of each series (series of
 * different channels have different sample times): `series,time_s,index,value`.
 */
export function seriesCsv(series: readonly ExportSeries[]): string {
  const lines = ['series,time_s,index,value'];
  for (const entry of series) {
    const label = /[",\n]/.test(entry.label) ? `"${entry.label.replaceAll('"', '""')}"` : entry.label;
    for (let i = 0; i < entry.values.length; i++) {
      lines.push(`${label},${csvNumber(entry.t[i]!)},${csvNumber(entry.index[i]!)},${csvNumber(entry.values[i]!)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The same samples as one float64 .npy of shape (N, 4): columns are the series' position in the
 * panel (0, 1, …), time (Unix seconds), sample index and value.
 */
export function seriesNpy(series: readonly ExportSeries[]): Uint8Array {
  const total = series.reduce((sum, entry) => sum + entry.values.length, 0);
  const out = new Float64Array(total * 4);
  let row = 0;
  series.forEach((entry, position) => {
    for (let i = 0; i < entry.values.length; i++, row++) out.set([position, entry.t[i]!, entry.index[i]!, entry.values[i]!], row * 4);
  });
  return typedArrayToNpy(out, [total, 4]);
}
