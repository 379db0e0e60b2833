import { minMaxIndices } from '../data/decimate.js';

export interface Point {
  x: number;
  y: number;
}

/** Points as two columns: what a worker can be sent without copying. */
export interface PointColumns {
  readonly x: Float64Array;
  readonly y: Float64Array;
}

/** Points for indices [from, to), min-max decimated on y to about two per bucket, as columns. */
export function decimatedColumns(
  xAt: (i: number) => number,
  yAt: (i: number) => number,
  from: number,
  to: number,
  buckets: number,
): PointColumns {
  const kept = minMaxIndices(yAt, from, to, buckets);
  return { x: Float64Array.from(kept, xAt), y: Float64Array.from(kept, yAt) };
}

/** Columns back to the {x, y} objects Chart.js draws. */
export function columnPoints({ x, y }: PointColumns): Point[] {
  return Array.from(x, (xi, i) => ({ x: xi, y: y[i]! }));
}
