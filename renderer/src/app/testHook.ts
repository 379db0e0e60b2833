import type { LiveStats } from './liveStats.js';

declare global {
  interface Window {
    readonly __npyStudioStats?: Readonly<LiveStats>;
  }
}

/** A read-only snapshot per read, for tests and for the curious in the devtools console. */
export function exposeLiveStats(read: () => LiveStats): void {
  Object.defineProperty(window, '__npyStudioStats', { get: () => Object.freeze(read()), configurable: false });
}
