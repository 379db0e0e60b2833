/** A number as numpy's loadtxt and pandas' read_csv both read it back exactly. */
export function csvNumber(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return String(value);
}

export interface CsvColumn {
  readonly name: string;
  readonly values: ArrayLike<number>;
}

/** Rows [from, to) of equally long columns, with a header line; lines end with \n. */
export function toCsv(columns: readonly CsvColumn[], from = 0, to = columns[0]?.values.length ?? 0): string {
  const lines = [columns.map((c) => c.name).join(',')];
  for (let row = from; row < to; row++) lines.push(columns.map((c) => csvNumber(c.values[row]!)).join(','));
  return `${lines.join('\n')}\n`;
}
