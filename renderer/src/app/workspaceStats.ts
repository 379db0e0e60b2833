/**
 * What `window.__npyWorkspace` reports about the live workspace (for tests, the bench and the
 * devtools console). Free of DOM types so the e2e tests can import it.
 */
export interface WorkspaceStats {
  panels: {
    id: string;
    kind: string;
    series: string[];
    pointsShown: number;
    readout: string;
    waiting: boolean;
    xRange?: { min: number; max: number };
  }[];
  /** The visible x range all time panels share. */
  range: { min: number; max: number };
  follow: boolean;
  paused: boolean;
  /** Packets received over all channels (counted while paused too). */
  packets: number;
  /** Frames in which some panel drew new data. */
  framesWithNewData: number;
  /** performance.now() of the last (up to 2,000) frames that drew new data, for the bench. */
  redrawTimes: number[];
  pointsKept: number;
  pointBudget: number;
  /** The x under the pointer (the hover cursor), if any. */
  hover?: number;
  /** The recording being played back, if any. */
  playback?: PlaybackStats;
}

/** A recording's playback in the workspace (workspace/playback/). */
export interface PlaybackStats {
  /** The recording's id. */
  recording: string;
  name: string;
  /** Its first and last sample times (seconds). */
  start: number;
  end: number;
  /** The time the panels show. */
  time: number;
  playing: boolean;
  speed: number;
}
