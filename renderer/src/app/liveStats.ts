/**
 * What `window.__npyStudioStats` reports about the live view (documented in e2e/README.md).
 * Kept free of DOM types so the e2e tests, type-checked without the DOM library, can import it.
 */
export interface LiveStats {
  /** Packets received since subscribing or the last Clear. */
  packets: number;
  /** seq of the latest packet; null before the first. */
  lastSeq: number | null;
  /** Packets missing from the seq numbers that the server did not report as dropped. */
  lost: number;
  /** Packets the server reported dropping because this view read too slowly. */
  dropped: number;
  /** Points per series inside the drawn window (and zoom range). */
  pointsShown: number;
  /** Times the charts were redrawn. */
  framesDrawn: number;
  /** Series (lines) in the signal chart. */
  series: number;
  paused: boolean;
}
