import { minMaxIndices } from '../data/decimate.js';

export interface Point {
  x: number;
  y: number;
}

/** Chart points for indices [from, to), min-max decimated on y to about two per bucket. */
export function decimatedPoints(xAt: (i: number) => number, yAt: (i: number) => number, from: number, to: number, buckets: number): Point[] {
  return minMaxIndices(yAt, from, to, buckets).map((i) => ({ x: xAt(i), y: yAt(i) }));
}
