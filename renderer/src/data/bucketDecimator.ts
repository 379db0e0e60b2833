import type { PointColumns } from '../charts/points.js';
import { lowerBound } from './sorted.js';

/** One slice of the x axis: its lowest and highest point and its first NaN (x NaN when absent). */
interface Bucket {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  nanX: number;
}

const emptyBucket = (): Bucket => ({ minX: NaN, minY: NaN, maxX: NaN, maxY: NaN, nanX: NaN });

/**
 * Min-max decimation of a series that grows at its end (x sorted), done incrementally: buckets are
 * fixed slices of the x axis, `(max - min) / buckets` wide and aligned to multiples of that width,
 * so as the window slides only the newest bucket and those after it are scanned again; a frame
 * costs the new samples, not the whole window. Each bucket keeps its lowest and highest point (and
 * its first NaN, so gaps stay visible), in x order: a line through them looks like the full line at
 * one bucket per pixel. A new width (zoom, resize), a pan to the left or x going back starts afresh.
 */
export class BucketDecimator {
  private width = NaN;
  private firstKey = 0;
  private buckets: Bucket[] = [];
  private lastX = -Infinity;

  /** The points of samples (x, y) in about [min, max] (one bucket more each side, so lines reach the edges). */
  update(x: Float64Array, y: Float64Array, min: number, max: number, buckets: number): PointColumns {
    const width = (max - min) / Math.max(1, buckets);
    const count = Math.min(x.length, y.length);
    if (!(width > 0) || count === 0 || !Number.isFinite(min)) {
      this.reset(NaN);
      return { x: new Float64Array(0), y: new Float64Array(0) };
    }
    const low = Math.floor(min / width) - 1;
    const high = Math.floor(max / width) + 1;
    // Samples no longer kept (the point budget, a cleared channel) leave their buckets.
    const oldest = Math.max(low, Math.floor(x[0]! / width));
    const pannedLeft = oldest < this.firstKey;
    if (width !== this.width || x[count - 1]! < this.lastX || pannedLeft || this.buckets.length === 0) this.reset(width, oldest);
    if (oldest > this.firstKey) {
      this.buckets.splice(0, oldest - this.firstKey);
      this.firstKey = oldest;
    }
    // Rescan from the newest bucket kept (it may have been incomplete) up to the window's end.
    const restartKey = Math.max(this.firstKey, this.firstKey + this.buckets.length - 1);
    this.buckets.length = restartKey - this.firstKey;
    const end = (high + 1) * width;
    for (let i = lowerBound(x.subarray(0, count), restartKey * width); i < count && x[i]! < end; i++) {
      const xi = x[i]!;
      const yi = y[i]!;
      const key = Math.floor(xi / width);
      while (this.firstKey + this.buckets.length <= key) this.buckets.push(emptyBucket());
      const bucket = this.buckets[key - this.firstKey]!;
      if (Number.isNaN(yi)) {
        if (Number.isNaN(bucket.nanX)) bucket.nanX = xi;
        continue;
      }
      if (Number.isNaN(bucket.minX) || yi < bucket.minY) {
        bucket.minX = xi;
        bucket.minY = yi;
      }
      if (Number.isNaN(bucket.maxX) || yi > bucket.maxY) {
        bucket.maxX = xi;
        bucket.maxY = yi;
      }
      this.lastX = xi;
    }
    return this.points(high);
  }

  private reset(width: number, firstKey = 0): void {
    this.width = width;
    this.firstKey = firstKey;
    this.buckets = [];
    this.lastX = -Infinity;
  }

  private points(high: number): PointColumns {
    const last = Math.min(this.buckets.length, high - this.firstKey + 1);
    const xs = new Float64Array(3 * last);
    const ys = new Float64Array(3 * last);
    let n = 0;
    for (let b = 0; b < last; b++) {
      const { minX, minY, maxX, maxY, nanX } = this.buckets[b]!;
      // Up to three points in x order; an absent one has x NaN, which every comparison puts last.
      const nanAt = Number.isNaN(nanX) ? 3 : nanX < Math.min(minX, maxX) ? 0 : nanX < Math.max(minX, maxX) ? 1 : 2;
      if (nanAt === 0) n = put(xs, ys, n, nanX, NaN);
      if (!(maxX < minX)) {
        n = put(xs, ys, n, minX, minY);
        if (nanAt === 1) n = put(xs, ys, n, nanX, NaN);
        n = put(xs, ys, n, maxX, maxY);
      } else {
        n = put(xs, ys, n, maxX, maxY);
        if (nanAt === 1) n = put(xs, ys, n, nanX, NaN);
        n = put(xs, ys, n, minX, minY);
      }
      if (nanAt === 2) n = put(xs, ys, n, nanX, NaN);
    }
    return { x: xs.slice(0, n), y: ys.slice(0, n) };
  }
}

/** Appends a point unless its x is NaN (absent) or it repeats the last one; returns the new count. */
function put(xs: Float64Array, ys: Float64Array, n: number, x: number, y: number): number {
  if (Number.isNaN(x) || (n > 0 && xs[n - 1] === x && Object.is(ys[n - 1], y))) return n;
  xs[n] = x;
  ys[n] = y;
  return n + 1;
}
