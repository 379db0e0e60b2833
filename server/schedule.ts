/** Time as the server's periodic work sees it, injectable so tests step it by hand instead of waiting. */

/** Calls `tick` every `ms` until the returned function is called. */
export type Repeat = (ms: number, tick: () => void) => () => void;

/** Milliseconds on a monotonic clock. */
export type Now = () => number;

export const repeatWithTimer: Repeat = (ms, tick) => {
  const timer = setInterval(tick, ms);
  // Periodic work never keeps the process alive on its own; the listening socket does.
  timer.unref();
  return () => clearInterval(timer);
};

export const monotonicNow: Now = () => performance.now();

/**
 * Wall-clock ms at the monotonic clock's zero, to within a few µs, for sub-millisecond wall-clock times as
 * `origin + monotonicNow()`. Taken at the moment Date.now() turns over to a new millisecond (a wait of under 1 ms), as
 * `performance.timeOrigin` can be milliseconds off the system clock, and differently in each process. A thread paused
 * between the turnover and the reading sees the turnover late, which only ever makes the origin smaller: the largest
 * of three readings is the one closest to the truth.
 */
export function wallClockOrigin(): number {
  let best = -Infinity;
  for (let reading = 0; reading < 3; reading++) {
    const start = Date.now();
    let now = start;
    while (now === start) now = Date.now();
    best = Math.max(best, now - performance.now());
  }
  return best;
}
