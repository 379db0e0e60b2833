import type { PointColumns } from '../charts/points.js';
import { lowerBound } from './sorted.js';

/** Numbers kept per bucket: x and y of its lowest point, x and y of its highest, x of its first NaN (x NaN when absent). */
const FIELDS = 5;
const [MIN_X, MIN_Y, MAX_X, MAX_Y, NAN_X] = [0, 1, 2, 3, 4];

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
  /** The x-axis slice number of the first bucket kept. */
  private firstKey = 0;
  private count = 0;
  /** FIELDS numbers per bucket, the first `count` buckets in use. */
  private buckets = new Float64Array(0);
  private lastX = -Infinity;
  /** The points' columns, reused from frame to frame (new typed arrays are slow to make in a browser). */
  private xs = new Float64Array(0);
  private ys = new Float64Array(0);

  /**
   * The points of samples (x, y) in about [min, max] (one bucket more each side, so lines reach the
   * edges), as views that the next update overwrites.
   */
  update(x: Float64Array, y: Float64Array, min: number, max: number, buckets: number): PointColumns {
    const width = (max - min) / Math.max(1, buckets);
    const length = Math.min(x.length, y.length);
    if (!(width > 0) || length === 0 || !Number.isFinite(min)) {
      this.reset(NaN);
      return { x: new Float64Array(0), y: new Float64Array(0) };
    }
    const low = Math.floor(min / width) - 1;
    const high = Math.floor(max / width) + 1;
    // Samples no longer kept (the point budget, a cleared channel) leave their buckets.
    const oldest = Math.max(low, Math.floor(x[0]! / width));
    const pannedLeft = oldest < this.firstKey;
    if (width !== this.width || x[length - 1]! < this.lastX || pannedLeft || this.count === 0) this.reset(width, oldest);
    if (oldest > this.firstKey) {
      const dropped = Math.min(this.count, oldest - this.firstKey);
      this.buckets.copyWithin(0, dropped * FIELDS, this.count * FIELDS);
      this.count -= dropped;
      this.firstKey = oldest;
    }
    // Rescan from the newest bucket kept (it may have been incomplete) up to the window's end.
    const restartKey = Math.max(this.firstKey, this.firstKey + this.count - 1);
    this.count = restartKey - this.firstKey;
    const end = (high + 1) * width;
    for (let i = lowerBound(x.subarray(0, length), restartKey * width); i < length && x[i]! < end; i++) {
      const xi = x[i]!;
      const yi = y[i]!;
      const key = Math.floor(xi / width);
      while (this.firstKey + this.count <= key) this.addBucket();
      const at = (key - this.firstKey) * FIELDS;
      const f = this.buckets;
      if (Number.isNaN(yi)) {
        if (Number.isNaN(f[at + NAN_X]!)) f[at + NAN_X] = xi;
        continue;
      }
      if (Number.isNaN(f[at + MIN_X]!) || yi < f[at + MIN_Y]!) {
        f[at + MIN_X] = xi;
        f[at + MIN_Y] = yi;
      }
      if (Number.isNaN(f[at + MAX_X]!) || yi > f[at + MAX_Y]!) {
        f[at + MAX_X] = xi;
        f[at + MAX_Y] = yi;
      }
      this.lastX = xi;
    }
    return this.points(high);
  }

  private addBucket(): void {
    if ((this.count + 1) * FIELDS > this.buckets.length) {
      const grown = new Float64Array(Math.max(64, 2 * this.buckets.length));
      grown.set(this.buckets.subarray(0, this.count * FIELDS));
      this.buckets = grown;
    }
    this.buckets.fill(NaN, this.count * FIELDS, (this.count + 1) * FIELDS);
    this.count++;
  }

  private reset(width: number, firstKey = 0): void {
    this.width = width;
    this.firstKey = firstKey;
    this.count = 0;
    this.lastX = -Infinity;
  }

  private points(high: number): PointColumns {
    const last = Math.min(this.count, high - this.firstKey + 1);
    if (this.xs.length < 3 * last) {
      this.xs = new Float64Array(6 * last);
      this.ys = new Float64Array(6 * last);
    }
    const { xs, ys } = this;
    const f = this.buckets;
    let n = 0;
    for (let at = 0; at < last * FIELDS; at += FIELDS) {
      const minX = f[at + MIN_X]!;
      const minY = f[at + MIN_Y]!;
      const maxX = f[at + MAX_X]!;
      const maxY = f[at + MAX_Y]!;
      const nanX = f[at + NAN_X]!;
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
    return { x: xs.subarray(0, n), y: ys.subarray(0, n) };
  }
}

/** Appends a point unless its x is NaN (absent) or it repeats the last one's x (one sample both lowest and highest); returns the new count. */
function put(xs: Float64Array, ys: Float64Array, n: number, x: number, y: number): number {
  if (Number.isNaN(x) || (n > 0 && xs[n - 1] === x)) return n;
  xs[n] = x;
  ys[n] = y;
  return n + 1;
}
