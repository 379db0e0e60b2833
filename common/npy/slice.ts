import type { NpyHeader } from './header.js';

/**
 * NumPy basic slicing (`a[0:100, ::2, 5]`, `a[..., -1]`) over a `.npy` file's layout, as a plan of
 * byte runs: no I/O here. The caller reads the runs (positioned reads) and copies elements out.
 */

/** Why a slice expression is refused: `syntax` (malformed) or `bounds` (an index outside the shape). */
export class SliceError extends Error {
  constructor(
    message: string,
    readonly code: 'syntax' | 'bounds',
  ) {
    super(message);
    this.name = 'SliceError';
  }
}

export type SliceItem =
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'range'; readonly start?: number; readonly stop?: number; readonly step?: number }
  | { readonly kind: 'ellipsis' };

const INTEGER = /^\s*[-+]?\d{1,16}\s*$/;

/** Parses `0:100,::2,5,...`; an empty text selects everything, as `a[()]` does. */
export function parseSliceText(text: string): SliceItem[] {
  if (text.trim() === '') return [];
  if (text.length > 4096) throw new SliceError('slice expression is longer than 4096 characters', 'syntax');
  const items = text.split(',').map((part): SliceItem => {
    const trimmed = part.trim();
    if (trimmed === '...') return { kind: 'ellipsis' };
    if (INTEGER.test(trimmed)) return { kind: 'index', index: Number(trimmed) };
    const fields = trimmed.split(':');
    if (fields.length < 2 || fields.length > 3) {
      throw new SliceError(`${JSON.stringify(part)} is not an integer, start:stop:step or ...`, 'syntax');
    }
    const [start, stop, step] = fields.map((field) => {
      if (field.trim() === '') return undefined;
      if (!INTEGER.test(field)) throw new SliceError(`${JSON.stringify(field)} in ${JSON.stringify(part)} is not an integer`, 'syntax');
      return Number(field);
    });
    if (step === 0) throw new SliceError('slice step cannot be zero', 'syntax');
    return { kind: 'range', start, stop, step };
  });
  if (items.filter((item) => item.kind === 'ellipsis').length > 1) {
    throw new SliceError("an index can only have a single ellipsis ('...')", 'syntax');
  }
  return items;
}

/** What is kept of one source axis: one index (the axis is dropped) or `count` indices from `start` by `step`. */
export type AxisSelection =
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'range'; readonly start: number; readonly step: number; readonly count: number };

export interface SlicePlan {
  /** One per source axis. */
  readonly axes: readonly AxisSelection[];
  /** Shape of the result: the counts of the range axes, in order. */
  readonly shape: readonly number[];
  readonly count: number;
}

/** Python's `slice.indices(length)` and the number of indices it yields. */
function resolveRange(start: number | undefined, stop: number | undefined, step = 1, length: number): AxisSelection {
  const clamp = (value: number | undefined, low: number, high: number, fallback: number) => {
    if (value === undefined) return fallback;
    const v = value < 0 ? value + length : value;
    return Math.min(high, Math.max(low, v));
  };
  const first = step > 0 ? clamp(start, 0, length, 0) : clamp(start, -1, length - 1, length - 1);
  const end = step > 0 ? clamp(stop, 0, length, length) : clamp(stop, -1, length - 1, -1);
  const count = step > 0 ? Math.max(0, Math.ceil((end - first) / step)) : Math.max(0, Math.ceil((first - end) / -step));
  // An empty selection's start is never read; 0 keeps it inside the array.
  return { kind: 'range', start: count > 0 ? first : 0, step, count };
}

/** Applies parsed items to a shape, with NumPy's rules: missing trailing axes and `...` take everything. */
export function planSlice(items: readonly SliceItem[], shape: readonly number[]): SlicePlan {
  const used = items.filter((item) => item.kind !== 'ellipsis').length;
  if (used > shape.length) {
    throw new SliceError(`too many indices for array: array is ${shape.length}-dimensional, but ${used} were indexed`, 'bounds');
  }
  const expanded: SliceItem[] = [];
  for (const item of items) {
    if (item.kind === 'ellipsis') for (let i = 0; i < shape.length - used; i++) expanded.push({ kind: 'range' });
    else expanded.push(item);
  }
  while (expanded.length < shape.length) expanded.push({ kind: 'range' });
  const axes = expanded.map((item, axis): AxisSelection => {
    const length = shape[axis]!;
    if (item.kind === 'index') {
      if (item.index < -length || item.index >= length) {
        throw new SliceError(`index ${item.index} is out of bounds for axis ${axis} with size ${length}`, 'bounds');
      }
      return { kind: 'index', index: item.index < 0 ? item.index + length : item.index };
    }
    if (item.kind === 'range') return resolveRange(item.start, item.stop, item.step, length);
    throw new Error('unreachable: ellipsis expanded above');
  });
  const resultShape = axes.flatMap((a) => (a.kind === 'range' ? [a.count] : []));
  return { axes, shape: resultShape, count: resultShape.reduce((a, b) => a * b, 1) };
}

/** Parses and plans in one step. */
export function sliceOf(text: string, shape: readonly number[]): SlicePlan {
  return planSlice(parseSliceText(text), shape);
}

/** Byte strides of each axis of a stored array (C order: last axis fastest; Fortran: first). */
export function byteStrides(header: Pick<NpyHeader, 'shape' | 'fortranOrder' | 'dtype'>): number[] {
  const { shape, fortranOrder, dtype } = header;
  const strides = new Array<number>(shape.length);
  let stride = dtype.itemsize;
  for (let k = 0; k < shape.length; k++) {
    const axis = fortranOrder ? k : shape.length - 1 - k;
    strides[axis] = stride;
    stride *= shape[axis]!;
  }
  return strides;
}

/**
 * A run of `count` elements along one result axis: the first at byte `offset` of the data, the
 * next ones `gap` bytes apart (negative for a negative step). In the result (C order) they go to
 * `outIndex`, `outIndex + outStep`, ….
 */
export interface SliceLine {
  readonly offset: number;
  readonly gap: number;
  readonly count: number;
  readonly outIndex: number;
  readonly outStep: number;
  /** The result axis the line runs along (-1 for a 0-d result), and the result index of its first element. */
  readonly outAxis: number;
  readonly outPosition: readonly number[];
}

/**
 * The lines that make up a slice, visited in the file's memory order (so reads move forward
 * through the file whatever its order). Each runs along the result axis with the smallest stride
 * in the file, so its elements are as close together as they can be.
 */
export function* sliceLines(header: Pick<NpyHeader, 'shape' | 'fortranOrder' | 'dtype'>, plan: SlicePlan): Generator<SliceLine> {
  if (plan.count === 0) return;
  const strides = byteStrides(header);
  let base = 0;
  const outAxes: { gap: number; count: number }[] = [];
  plan.axes.forEach((axis, k) => {
    if (axis.kind === 'index') base += axis.index * strides[k]!;
    else {
      base += axis.start * strides[k]!;
      outAxes.push({ gap: axis.step * strides[k]!, count: axis.count });
    }
  });
  const ndim = outAxes.length;
  if (ndim === 0) {
    yield { offset: base, gap: 0, count: 1, outIndex: 0, outStep: 1, outAxis: -1, outPosition: [] };
    return;
  }
  const outStrides = new Array<number>(ndim);
  for (let k = ndim - 1, s = 1; k >= 0; s *= outAxes[k]!.count, k--) outStrides[k] = s;
  // The line axis: the smallest distance between neighbours in the file (ties: the later axis).
  const order = [...outAxes.keys()].sort((a, b) => Math.abs(outAxes[b]!.gap) - Math.abs(outAxes[a]!.gap) || a - b);
  const lineAxis = order[order.length - 1]!;
  const outer = order.slice(0, -1);
  const position = new Array<number>(ndim).fill(0);
  const { gap, count } = outAxes[lineAxis]!;
  for (;;) {
    let offset = base;
    let outIndex = 0;
    for (let k = 0; k < ndim; k++) {
      offset += position[k]! * outAxes[k]!.gap;
      outIndex += position[k]! * outStrides[k]!;
    }
    yield { offset, gap, count, outIndex, outStep: outStrides[lineAxis]!, outAxis: lineAxis, outPosition: position.slice() };
    // Odometer over the outer axes, the one nearest in memory fastest.
    let k = outer.length - 1;
    for (; k >= 0; k--) {
      const axis = outer[k]!;
      if (++position[axis]! < outAxes[axis]!.count) break;
      position[axis] = 0;
    }
    if (k < 0) return;
  }
}

/** Bin `j` of `bins` over `length` indices covers [binStart(j), binStart(j + 1)). */
export function binStart(j: number, bins: number, length: number): number {
  return Math.floor((j * length) / bins);
}
