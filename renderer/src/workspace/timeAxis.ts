import type { XMode } from './channelStore.js';

export interface XRange {
  min: number;
  max: number;
}

/** How time is written: seconds from a chosen zero, or the wall clock. */
export type TimeFormat = 'relative' | 'clock';

export interface WindowLength {
  /** Seconds of time (time axis) or samples (index axis). */
  size: number;
  unit: 's' | 'pts';
}

export interface TimeAxisState {
  mode: XMode;
  format: TimeFormat;
  window: WindowLength;
  /** The zero of relative time (Unix seconds); the first sample seen when unset. */
  zero?: number;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** `HH:MM:SS.mmm` in local time. */
export function clockTime(seconds: number): string {
  const date = new Date(seconds * 1000);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** Seconds relative to zero with as many decimals as the span between ticks needs. */
export function relativeTime(seconds: number, zero: number, step = 0.001): string {
  const decimals = Math.min(6, Math.max(0, Math.ceil(-Math.log10(step))));
  const value = seconds - zero;
  return `${(Math.abs(value) < 0.5 * 10 ** -decimals ? 0 : value).toFixed(decimals)} s`;
}

/** How x values read on axes, cursors and exports. */
export function formatX(value: number, state: TimeAxisState, step?: number): string {
  if (state.mode === 'index') return String(Math.round(value));
  return state.format === 'clock' ? clockTime(value) : relativeTime(value, state.zero ?? 0, step);
}

/**
 * The workspace's one x axis: every time panel shows its `visible()` range. In "follow latest" the
 * range ends at the newest sample; a zoom or pan leaves follow for a fixed range, `followLatest()`
 * returns. Pause freezes the newest x the panels see while data keep arriving. Emits `change` when the
 * range or settings change and `hover` when the cursor moves.
 */
export class TimeAxis extends EventTarget {
  state: TimeAxisState;
  follow = true;
  paused = false;
  /** The x under the pointer in any panel, shown as a cursor in all of them. */
  hover?: number;
  private fixed?: XRange;
  private newest = 0;
  /** Samples per second of the fastest channel, to turn a window in points into seconds and back. */
  private rate = 0;

  constructor(state: Partial<TimeAxisState> = {}) {
    super();
    this.state = { mode: 'time', format: 'relative', window: { size: 10, unit: 's' }, ...state };
  }

  /** Called once per frame with the newest x over all channels (ignored while paused). */
  advance(newest: number, rate: number): void {
    this.rate = rate;
    if (this.paused || !Number.isFinite(newest)) return;
    this.newest = newest;
    if (this.state.zero === undefined && this.state.mode === 'time') this.state.zero = newest;
  }

  get latest(): number {
    return this.newest;
  }

  /** The window's length in x units. */
  span(): number {
    const { size, unit } = this.state.window;
    const inX = (this.state.mode === 'time') === (unit === 's');
    if (inX) return size;
    if (!(this.rate > 0)) return this.state.mode === 'time' ? size / 1000 : size * 1000;
    return this.state.mode === 'time' ? size / this.rate : size * this.rate;
  }

  /** The window's length in seconds, when it can be told (a window in points needs the rate seen so far). */
  windowSeconds(): number | undefined {
    const { size, unit } = this.state.window;
    if (unit === 's') return size;
    return this.rate > 0 ? size / this.rate : undefined;
  }

  visible(): XRange {
    if (!this.follow && this.fixed) return this.fixed;
    return { min: this.newest - this.span(), max: this.newest };
  }

  setRange(range: XRange): void {
    if (!(range.max > range.min)) return;
    this.follow = false;
    this.fixed = range;
    this.changed();
  }

  /** Zooms by `factor` (< 1 zooms in) around x = `anchor` (the range's middle by default). */
  zoom(factor: number, anchor?: number): void {
    const { min, max } = this.visible();
    const at = anchor ?? (min + max) / 2;
    this.setRange({ min: at - (at - min) * factor, max: at + (max - at) * factor });
  }

  /** Pans by a fraction of the visible span (negative: back in time). */
  pan(fraction: number): void {
    const { min, max } = this.visible();
    const shift = (max - min) * fraction;
    this.setRange({ min: min + shift, max: max + shift });
  }

  followLatest(): void {
    this.follow = true;
    this.fixed = undefined;
    this.changed();
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    this.changed();
  }

  /** Emits `hover` (not `change`): the cursor moving redraws cursors and readouts, not the data. */
  setHover(x: number | undefined): void {
    if (x === this.hover) return;
    this.hover = x;
    this.dispatchEvent(new Event('hover'));
  }

  update(state: Partial<TimeAxisState>): void {
    const modeChanged = state.mode !== undefined && state.mode !== this.state.mode;
    this.state = { ...this.state, ...state };
    if (modeChanged) {
      this.fixed = undefined;
      this.follow = true;
      this.hover = undefined;
    }
    this.changed();
  }

  format(value: number, step?: number): string {
    return formatX(value, this.state, step);
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}
