import type { PieceVisitor } from './pieces.js';
import type { SliceLine } from './slice.js';

/** The statistics an overview holds per bin, in this order along its first axis. */
export const OVERVIEW_STATS = ['min', 'max', 'mean', 'nan'] as const;

/**
 * Min/max decimation of a (sliced) array: each result axis of length L is cut into B bins, bin j
 * covering indices [ceil(j·L/B), ceil((j+1)·L/B)). Per bin: min and max (NaN ignored, ±Inf kept;
 * NaN when the bin holds only NaN), the mean of the finite values, and how many values are NaN.
 */
export class OverviewAccumulator {
  readonly binStrides: number[];
  readonly size: number;
  private readonly min: Float64Array;
  private readonly max: Float64Array;
  private readonly sum: Float64Array;
  private readonly finite: Float64Array;
  private readonly nan: Float64Array;

  constructor(
    readonly shape: readonly number[],
    readonly bins: readonly number[],
  ) {
    this.binStrides = new Array<number>(bins.length);
    let size = 1;
    for (let k = bins.length - 1; k >= 0; k--) {
      this.binStrides[k] = size;
      size *= bins[k]!;
    }
    this.size = size;
    this.min = new Float64Array(size).fill(Infinity);
    this.max = new Float64Array(size).fill(-Infinity);
    this.sum = new Float64Array(size);
    this.finite = new Float64Array(size);
    this.nan = new Float64Array(size);
    this.binStarts = bins.map((count, axis) => Int32Array.from({ length: count + 1 }, (_, bin) => Math.ceil((bin * shape[axis]!) / count)));
  }

  /** Per axis, where each bin starts, with the axis length at the end: run splitting without division per run. */
  private readonly binStarts: Int32Array[];

  private binOf(axis: number, position: number): number {
    return Math.floor((position * this.bins[axis]!) / this.shape[axis]!);
  }

  readonly visit: PieceVisitor = (values: Float64Array, count: number, line: SliceLine, first: number) => {
    const axis = line.outAxis;
    let base = 0;
    for (let k = 0; k < this.bins.length; k++) if (k !== axis) base += this.binOf(k, line.outPosition[k]!) * this.binStrides[k]!;
    if (axis < 0) {
      this.addRun(base, values, 0, count);
      return;
    }
    const starts = this.binStarts[axis]!;
    const stride = this.binStrides[axis]!;
    let bin = this.binOf(axis, first);
    for (let i = 0; i < count; bin++) {
      const end = Math.min(count, starts[bin + 1]! - first);
      this.addRun(base + bin * stride, values, i, end);
      i = end;
    }
  };

  private addRun(cell: number, values: Float64Array, from: number, to: number): void {
    let min = this.min[cell]!;
    let max = this.max[cell]!;
    let sum = 0;
    let nonFinite = 0;
    let nan = 0;
    for (let i = from; i < to; i++) {
      const v = values[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    // Sum first and look for NaN/±Inf only when the sum says one is there: the common all-finite run stays one tight loop.
    if (!Number.isFinite(sum)) {
      sum = 0;
      for (let i = from; i < to; i++) {
        const v = values[i]!;
        if (v - v === 0) sum += v;
        else if (v !== v) nan++;
        else nonFinite++;
      }
    }
    this.min[cell] = min;
    this.max[cell] = max;
    this.sum[cell]! += sum;
    this.finite[cell]! += to - from - nan - nonFinite;
    this.nan[cell]! += nan;
  }

  /** Shape (4, ...bins): min, max, mean, nan count, in C order. */
  result(): Float64Array {
    const out = new Float64Array(4 * this.size);
    for (let i = 0; i < this.size; i++) {
      const empty = this.min[i]! > this.max[i]!; // nothing but NaN (or nothing) arrived
      out[i] = empty ? NaN : this.min[i]!;
      out[this.size + i] = empty ? NaN : this.max[i]!;
      out[2 * this.size + i] = this.finite[i] ? this.sum[i]! / this.finite[i]! : NaN;
      out[3 * this.size + i] = this.nan[i]!;
    }
    return out;
  }
}
