import { formatShape } from '../format.js';
import type { DTypeKind } from './dtype.js';
import { NpyError } from './errors.js';
import type { NpyHeader } from './header.js';
import { typedValues } from './typed.js';

/**
 * JSON for array data, shaped like `ndarray.tolist()`:
 * - floats always carry a `.` or exponent, so Python reads them back as float, and round-trip exactly;
 * - NaN and ±Inf, which JSON cannot hold, become the strings "NaN", "Infinity", "-Infinity"
 *   (`float()` in Python and `Number()` in JavaScript read them back);
 * - 64-bit integers are written with all their digits; complex numbers as `[re, im]`.
 */
export function formatFloat(x: number): string {
  if (Number.isInteger(x)) {
    if (Object.is(x, -0)) return '-0.0';
    return Math.abs(x) < 1e21 ? `${x}.0` : String(x); // from 1e21 on, String() writes an exponent
  }
  if (Number.isFinite(x)) return String(x);
  return Number.isNaN(x) ? '"NaN"' : x > 0 ? '"Infinity"' : '"-Infinity"';
}

type Values = ArrayLike<number | bigint>;

/** Writes elements start..end of the C-order values, comma-separated (complex arrays hold 2 values per element). */
type PieceWriter = (values: Values, start: number, end: number) => string;

function pieceWriter(kind: DTypeKind, values: Values): PieceWriter {
  const isBigInt = values instanceof BigInt64Array || values instanceof BigUint64Array;
  switch (kind) {
    case 'f':
      return floatPiece as PieceWriter;
    case 'c':
      return eachElement((v, i) => `[${formatFloat(v[2 * i] as number)},${formatFloat(v[2 * i + 1] as number)}]`);
    case 'b':
      return eachElement((v, i) => (v[i] ? 'true' : 'false'));
    default:
      return isBigInt ? eachElement((v, i) => String(v[i])) : (joinNumbers as PieceWriter);
  }
}

function eachElement(write: (values: Values, i: number) => string): PieceWriter {
  return (values, start, end) => {
    const parts = new Array<string>(end - start);
    for (let i = start; i < end; i++) parts[i - start] = write(values, i);
    return parts.join(',');
  };
}

/**
 * Numbers start..end joined by commas. JSON.stringify writes a finite number exactly as String() does
 * (the shortest text that round-trips), but for a whole array in one native call: several times
 * faster than formatting each element in JavaScript, which the server's CPU profile showed dominating JSON GETs.
 */
function joinNumbers(values: ArrayLike<number>, start: number, end: number): string {
  run.length = 0; // one array reused for every run: it keeps its backing store, so no garbage per run
  for (let i = start; i < end; i++) run.push(values[i]!);
  return JSON.stringify(run).slice(1, -1);
}

/** A packed array of doubles, which JSON.stringify renders in native code. */
const run: number[] = [];

/** Floats: runs of non-integral finite values go through joinNumbers; integral ones need `.0`, non-finite ones a string. */
function floatPiece(values: ArrayLike<number>, start: number, end: number): string {
  let out = '';
  let runStart = start;
  for (let i = start; i < end; i++) {
    const x = values[i]!;
    if (Number.isFinite(x) && !Number.isInteger(x)) continue;
    if (i > runStart) out += `${joinNumbers(values, runStart, i)},`;
    out += i === end - 1 ? formatFloat(x) : `${formatFloat(x)},`;
    runStart = i + 1;
  }
  return end > runStart ? out + joinNumbers(values, runStart, end) : out;
}

/**
 * Elements per piece: the strings stay under 128 KiB (at most ~51 characters per element, complex
 * included), V8's large-object size. Bigger ones are each allocated and freed as pages of their own,
 * which made rendering 3-4 times slower.
 */
const PIECE_ELEMENTS = 2048;

/**
 * Yields the nested-list JSON of the data in pieces, so a large array is never one string. Every
 * piece is ASCII.
 * Works row by row (the last axis) over the values in C order.
 */
export function* jsonDataChunks(header: NpyHeader, data: Uint8Array): Generator<string> {
  const values = typedValues({ header, data });
  const write = pieceWriter(header.dtype.kind, values);
  const { shape } = header;
  const ndim = shape.length;
  if (ndim === 0) {
    yield write(values, 0, 1);
    return;
  }
  if (header.count === 0) {
    yield emptyNestedList(shape);
    return;
  }
  const rowLength = shape[ndim - 1]!;
  const rows = header.count / rowLength;
  const outer = shape.slice(0, -1);
  const index = new Array<number>(outer.length).fill(0);
  let prefix = '['.repeat(ndim);
  for (let row = 0; row < rows; row++) {
    if (row > 0) {
      // Advance the outer index; each axis that wraps closes one list and opens the next.
      let wrapped = 0;
      for (let axis = outer.length - 1; axis >= 0; axis--) {
        if (++index[axis]! < outer[axis]!) break;
        index[axis] = 0;
        wrapped++;
      }
      prefix = `]${']'.repeat(wrapped)},${'['.repeat(wrapped)}[`;
    }
    const start = row * rowLength;
    for (let piece = 0; piece < rowLength; piece += PIECE_ELEMENTS) {
      const end = Math.min(rowLength, piece + PIECE_ELEMENTS);
      yield piece === 0 ? prefix : ','; // apart: joined, each piece would be copied once more to flatten it
      yield write(values, start + piece, start + end);
    }
  }
  yield ']'.repeat(ndim);
}

/** Most empty lists an array with a zero-length axis may expand to, e.g. shape (1e9, 0). */
const MAX_EMPTY_LISTS = 1 << 20;

/** `tolist()` of an array with a zero-length axis: lists down to that axis, each empty. */
function emptyNestedList(shape: readonly number[]): string {
  const zeroAxis = shape.indexOf(0);
  const lists = shape.slice(0, zeroAxis).reduce((a, b) => a * b, 1);
  if (lists > MAX_EMPTY_LISTS) throw new NpyError(`shape ${formatShape(shape)} would expand to ${lists} empty lists`, 'too-large');
  return nestEmpty(shape);
}

function nestEmpty(shape: readonly number[]): string {
  const [first, ...rest] = shape;
  if (first === 0 || rest.length === 0) return '[]';
  return `[${new Array<string>(first!).fill(nestEmpty(rest)).join(',')}]`;
}
