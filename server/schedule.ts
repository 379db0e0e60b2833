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
