import type { DType } from './dtype.js';
import { realReader } from './elements.js';
import type { NpyHeader } from './header.js';
import type { SliceLine, SlicePlan } from './slice.js';
import { sliceLines } from './slice.js';

/**
 * The reads that fetch a slice: lines cut into pieces, pieces grouped into one positioned read
 * each when they lie close together in the file. No I/O here: the server does the reads.
 */

/** Most bytes one read covers. */
export const MAX_READ_BYTES = 4 << 20;
/** Elements further apart than this are read one by one rather than through the bytes between them. */
const MAX_GAP_READ_THROUGH = 4096;

/** `count` elements of `line` from its element `first` on, the lowest of them at data byte `low`. */
export interface Piece {
  readonly line: SliceLine;
  readonly first: number;
  readonly count: number;
  readonly low: number;
  readonly span: number;
}

/** One positioned read (bytes [start, start + length) of the data) and the pieces it serves. */
export interface ReadGroup {
  readonly start: number;
  readonly length: number;
  readonly pieces: readonly Piece[];
}

function* linePieces(line: SliceLine, itemsize: number): Generator<Piece> {
  const gap = Math.abs(line.gap);
  const perPiece = gap === 0 || gap > MAX_GAP_READ_THROUGH ? 1 : Math.max(1, Math.floor((MAX_READ_BYTES - itemsize) / gap) + 1);
  for (let first = 0; first < line.count; first += perPiece) {
    const count = Math.min(perPiece, line.count - first);
    const a = line.offset + first * line.gap;
    const b = a + (count - 1) * line.gap;
    const low = Math.min(a, b);
    yield { line, first, count, low, span: Math.abs(b - a) + itemsize };
  }
}

/** The reads for a slice, in file order where the layout allows. */
export function* sliceReads(header: Pick<NpyHeader, 'shape' | 'fortranOrder' | 'dtype'>, plan: SlicePlan): Generator<ReadGroup> {
  const { itemsize } = header.dtype;
  let group: { start: number; end: number; pieces: Piece[] } | undefined;
  for (const line of sliceLines(header, plan)) {
    for (const piece of linePieces(line, itemsize)) {
      const end = piece.low + piece.span;
      if (group && piece.low >= group.start && piece.low - group.end <= MAX_GAP_READ_THROUGH && end - group.start <= MAX_READ_BYTES) {
        group.end = Math.max(group.end, end);
        group.pieces.push(piece);
        continue;
      }
      if (group) yield { start: group.start, length: group.end - group.start, pieces: group.pieces };
      group = { start: piece.low, end, pieces: [piece] };
    }
  }
  if (group) yield { start: group.start, length: group.end - group.start, pieces: group.pieces };
}

/** Byte position, in a group's buffer, of element `i` of a piece. */
function elementPosition(group: ReadGroup, piece: Piece, i: number): number {
  return piece.line.offset + (piece.first + i) * piece.line.gap - group.start;
}

/** Copies a group's elements, bytes unchanged, to their places in a C-order result buffer. */
export function copyGroup(group: ReadGroup, buffer: Uint8Array, out: Uint8Array, itemsize: number): void {
  for (const piece of group.pieces) {
    const { line } = piece;
    if (line.gap === itemsize && line.outStep === 1) {
      const from = elementPosition(group, piece, 0);
      out.set(buffer.subarray(from, from + piece.count * itemsize), (line.outIndex + piece.first) * itemsize);
      continue;
    }
    for (let i = 0; i < piece.count; i++) {
      const from = elementPosition(group, piece, i);
      const to = (line.outIndex + (piece.first + i) * line.outStep) * itemsize;
      for (let b = 0; b < itemsize; b++) out[to + b] = buffer[from + b]!;
    }
  }
}

/** Which real number to take of a complex element. */
export type ComplexPart = 'abs' | 'real' | 'imag' | 'phase';
export const COMPLEX_PARTS: readonly ComplexPart[] = ['abs', 'real', 'imag', 'phase'];

/**
 * Reads element values as doubles: bool as 0/1, complex through `part`, and 64-bit integers rounded,
 * or exactly relative to the first one through `integers` (see IntegerOffset).
 */
export function numberReader(
  dtype: DType,
  part: ComplexPart = 'abs',
  integers?: { relative(value: bigint): number },
): (view: DataView, offset: number) => number {
  const read = realReader(dtype);
  if (dtype.kind === 'c') {
    const half = dtype.itemsize / 2;
    const re = read as (v: DataView, o: number) => number;
    switch (part) {
      case 'real':
        return re;
      case 'imag':
        return (v, o) => re(v, o + half);
      case 'phase':
        return (v, o) => Math.atan2(re(v, o + half), re(v, o));
      case 'abs':
        return (v, o) => Math.hypot(re(v, o), re(v, o + half));
    }
  }
  if ((dtype.name === 'int64' || dtype.name === 'uint64') && integers) return (v, o) => integers.relative(read(v, o) as bigint);
  if (dtype.kind === 'b' || dtype.name === 'int64' || dtype.name === 'uint64') return (v, o) => Number(read(v, o));
  return read as (v: DataView, o: number) => number;
}

/** Receives the values of one piece: `values[0..count)` are elements `first..` of `line`, valid only during the call. */
export type PieceVisitor = (values: Float64Array, count: number, line: SliceLine, first: number) => void;

/** Decodes each piece of a group to doubles (in one reused buffer) and hands it to `visit`. */
export function visitGroupValues(
  group: ReadGroup,
  buffer: Uint8Array,
  read: (view: DataView, offset: number) => number,
  scratch: { values: Float64Array },
  visit: PieceVisitor,
  /** The data are little-endian float64: contiguous pieces are handed over as views, without decoding. */
  float64le = false,
): void {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  for (const piece of group.pieces) {
    const start = buffer.byteOffset + elementPosition(group, piece, 0);
    if (float64le && piece.line.gap === 8 && start % 8 === 0) {
      visit(new Float64Array(buffer.buffer, start, piece.count), piece.count, piece.line, piece.first);
      continue;
    }
    if (scratch.values.length < piece.count) scratch.values = new Float64Array(Math.max(piece.count, 2 * scratch.values.length));
    const values = scratch.values;
    let position = elementPosition(group, piece, 0);
    const gap = piece.line.gap;
    for (let i = 0; i < piece.count; i++, position += gap) values[i] = read(view, position);
    visit(values, piece.count, piece.line, piece.first);
  }
}
