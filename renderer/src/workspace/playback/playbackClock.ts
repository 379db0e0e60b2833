/** Milliseconds from a monotonic clock: performance.now in the app, a hand-stepped one in tests. */
export type Milliseconds = () => number;

export const PLAYBACK_SPEEDS = [0.1, 0.25, 0.5, 1, 2, 4, 10] as const;

/**
 * Where a recording's playback is: a time in the recording (its own sample times, seconds) that moves
 * at `speed` while playing, stops at the end, and jumps wherever `seek` puts it. Pure: the wall clock
 * is injected.
 */
export class PlaybackClock {
  /** The recording's time at `anchorWall`. */
  private anchorTime: number;
  private anchorWall = 0;
  private running = false;
  private rate = 1;

  constructor(
    readonly start: number,
    readonly end: number,
    private readonly now: Milliseconds = () => performance.now(),
  ) {
    if (!(end >= start)) throw new RangeError(`a playback needs start ≤ end (got ${start} … ${end})`);
    this.anchorTime = start;
  }

  /** The recording's time now; reaching the end stops the playback there. */
  time(): number {
    if (!this.running) return this.anchorTime;
    const time = this.anchorTime + ((this.now() - this.anchorWall) / 1000) * this.rate;
    if (time < this.end) return time;
    this.running = false;
    this.anchorTime = this.end;
    return this.end;
  }

  get playing(): boolean {
    this.time();
    return this.running;
  }

  get speed(): number {
    return this.rate;
  }

  /** Plays from where it is; from the start again when it had reached the end. */
  play(): void {
    if (this.playing) return;
    if (this.anchorTime >= this.end) this.anchorTime = this.start;
    this.anchorWall = this.now();
    this.running = this.end > this.start;
  }

  pause(): void {
    this.anchorTime = this.time();
    this.running = false;
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  setSpeed(speed: number): void {
    if (!(speed > 0 && Number.isFinite(speed))) throw new RangeError(`speed must be a positive number (got ${speed})`);
    this.rebase();
    this.rate = speed;
  }

  /** Jumps to `time` (clamped to the recording), playing on from there if it was playing. */
  seek(time: number): void {
    if (Number.isNaN(time)) return;
    this.anchorTime = Math.min(this.end, Math.max(this.start, time));
    this.anchorWall = this.now();
  }

  private rebase(): void {
    this.anchorTime = this.time();
    this.anchorWall = this.now();
  }
}
