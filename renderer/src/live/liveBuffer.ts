import type { NumericArray } from '../../../client/index.js';
import { asNumbers } from '../data/numeric.js';
import { RollingStats } from './rollingStats.js';
import { SlidingWindow } from './slidingWindow.js';

export interface SeriesFrame {
  readonly y: Float64Array;
  readonly mean: Float64Array;
  readonly std: Float64Array;
}

/** The points in the window: columns of equal length, oldest first. */
export interface LiveFrame {
  /** Position of the first point in the stream since the last clear (the "sample #" axis). */
  readonly firstSample: number;
  readonly x: Float64Array;
  readonly series: readonly SeriesFrame[];
}

interface SeriesColumns {
  y: SlidingWindow;
  mean: SlidingWindow;
  std: SlidingWindow;
  stats: RollingStats;
}

/**
 * The live view's data: the last `capacity` points of each series of a stream, with each point's
 * rolling mean and std. A packet's y has shape [n] (one series) or [k, n] (k series, C order).
 */
export class LiveBuffer {
  private x: SlidingWindow;
  private series: SeriesColumns[] = [];
  private total = 0;

  constructor(
    private capacity: number,
    private rollingWindow: number,
  ) {
    this.x = new SlidingWindow(capacity);
  }

  get seriesCount(): number {
    return this.series.length;
  }

  get length(): number {
    return this.x.length;
  }

  /** Appends a packet; a change in the number of series starts afresh. Returns the points added per series. */
  append(x: Float64Array, y: NumericArray, shape: readonly number[]): number {
    const seriesCount = shape.length === 2 ? shape[0]! : 1;
    const n = Math.min(x.length, shape.length === 2 ? shape[1]! : y.length);
    if (seriesCount !== this.series.length) this.reset(seriesCount);
    const values = asNumbers(y);
    const stride = values.length / seriesCount;
    for (let i = 0; i < n; i++) this.x.push(x[i]!);
    this.series.forEach((columns, s) => {
      for (let i = 0; i < n; i++) {
        const value = values[s * stride + i]!;
        const { mean, std } = columns.stats.push(value);
        columns.y.push(value);
        columns.mean.push(mean);
        columns.std.push(std);
      }
    });
    this.total += n;
    return n;
  }

  /** Views of the current window; later appends overwrite them (see copyFrame). */
  frame(): LiveFrame {
    return {
      firstSample: this.total - this.x.length,
      x: this.x.view(),
      series: this.series.map((c) => ({ y: c.y.view(), mean: c.mean.view(), std: c.std.view() })),
    };
  }

  clear(): void {
    this.reset(this.series.length);
    this.total = 0;
  }

  /** Changes how many points are kept, keeping the newest. */
  resize(capacity: number): void {
    if (capacity === this.capacity) return;
    this.capacity = capacity;
    this.x = refill(new SlidingWindow(capacity), this.x.view());
    for (const columns of this.series) {
      columns.y = refill(new SlidingWindow(capacity), columns.y.view());
      columns.mean = refill(new SlidingWindow(capacity), columns.mean.view());
      columns.std = refill(new SlidingWindow(capacity), columns.std.view());
    }
  }

  /** Changes the rolling window and recomputes the statistics over the points kept. */
  setRollingWindow(window: number): void {
    if (window === this.rollingWindow) return;
    this.rollingWindow = window;
    for (const columns of this.series) {
      const y = columns.y.view();
      columns.stats = new RollingStats(window);
      columns.mean.clear();
      columns.std.clear();
      for (const value of y) {
        const { mean, std } = columns.stats.push(value);
        columns.mean.push(mean);
        columns.std.push(std);
      }
    }
  }

  private reset(seriesCount: number): void {
    this.x = new SlidingWindow(this.capacity);
    this.series = Array.from({ length: seriesCount }, () => ({
      y: new SlidingWindow(this.capacity),
      mean: new SlidingWindow(this.capacity),
      std: new SlidingWindow(this.capacity),
      stats: new RollingStats(this.rollingWindow),
    }));
  }
}

function refill(window: SlidingWindow, values: Float64Array): SlidingWindow {
  for (const value of values.subarray(Math.max(0, values.length - window.capacity))) window.push(value);
  return window;
}

/** A frame that later appends cannot change: what a paused view keeps showing. */
export function copyFrame(frame: LiveFrame): LiveFrame {
  return {
    firstSample: frame.firstSample,
    x: frame.x.slice(),
    series: frame.series.map((s) => ({ y: s.y.slice(), mean: s.mean.slice(), std: s.std.slice() })),
  };
}
