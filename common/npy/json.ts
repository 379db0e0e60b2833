import type { DType } from './dtype.js';
import { COrderWalker, realReader } from './elements.js';
import { NpyError } from './errors.js';
import type { NpyHeader } from './header.js';

/**
 * JSON for array data, shaped like `ndarray.tolist()`:
 * - floats always carry a `.` or exponent, so Python reads them back as float, and round-trip exactly;
 * - NaN and ±Inf, which JSON cannot hold, become the strings "NaN", "Infinity", "-Infinity"
 *   (`float()` in Python and `Number()` in JavaScript read them back);
 * - 64-bit integers are written with all their digits; complex numbers as `[re, im]`.
 */
export function formatFloat(x: number): string {
  if (Number.isNaN(x)) return '"NaN"';
  if (x === Infinity) return '"Infinity"';
  if (x === -Infinity) return '"-Infinity"';
  if (Object.is(x, -0)) return '-0.0';
  const text = String(x);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

export type ElementFormatter = (view: DataView, offset: number) => string;

export function elementFormatter(dtype: DType): ElementFormatter {
  const read = realReader(dtype);
  if (dtype.kind === 'c') {
    const half = dtype.itemsize / 2;
    return (v, o) => `[${formatFloat(read(v, o) as number)},${formatFloat(read(v, o + half) as number)}]`;
  }
  if (dtype.kind === 'f') return (v, o) => formatFloat(read(v, o) as number);
  return (v, o) => String(read(v, o));
}

const CHUNK_CHARS = 1 << 16;

/** Yields the nested-list JSON of the data in pieces of about 64 KiB, so a large array is never one string. */
export function* jsonDataChunks(header: NpyHeader, data: Uint8Array): Generator<string> {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const format = elementFormatter(header.dtype);
  const ndim = header.shape.length;
  if (ndim === 0) {
    yield format(view, 0);
    return;
  }
  if (header.count === 0) {
    yield emptyNestedList(header.shape);
    return;
  }
  const walker = new COrderWalker(header);
  let buffer = '['.repeat(ndim);
  for (let n = 0; n < header.count; n++) {
    if (n > 0) {
      const wrapped = walker.advance();
      buffer += wrapped ? `${']'.repeat(wrapped)},${'['.repeat(wrapped)}` : ',';
      if (buffer.length >= CHUNK_CHARS) {
        yield buffer;
        buffer = '';
      }
    }
    buffer += format(view, walker.offset);
  }
  yield buffer + ']'.repeat(ndim);
}

/** Most empty lists an array with a zero-length axis may expand to, e.g. shape (1e9, 0). */
const MAX_EMPTY_LISTS = 1 << 20;

/** `tolist()` of an array with a zero-length axis: lists down to that axis, each empty. */
function emptyNestedList(shape: readonly number[]): string {
  const zeroAxis = shape.indexOf(0);
  const lists = shape.slice(0, zeroAxis).reduce((a, b) => a * b, 1);
  if (lists > MAX_EMPTY_LISTS) throw new NpyError(`shape (${shape.join(', ')}) would expand to ${lists} empty lists`, 'too-large');
  return nestEmpty(shape);
}

function nestEmpty(shape: readonly number[]): string {
  const [first, ...rest] = shape;
  if (first === 0 || rest.length === 0) return '[]';
  return `[${new Array<string>(first!).fill(nestEmpty(rest)).join(',')}]`;
}
