export { formatBytes, formatShape } from '../../../common/format.js';

const integers = new Intl.NumberFormat('en-US');

export function formatCount(value: number): string {
  return integers.format(value);
}

/** Six significant digits, switching to exponent notation where fixed would be long or lossy. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-3) return value.toExponential(4);
  return String(Number(value.toPrecision(6)));
}

/** Local date and time: `2025-11-24 00:17:03`, or `2025-11-24 00:17` without seconds. */
export function formatTimestamp(iso: string, { seconds = true } = {}): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}${seconds ? `:${pad(date.getSeconds())}` : ''}`;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time}`;
}
