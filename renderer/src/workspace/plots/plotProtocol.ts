import type { TimeAxisState, XRange } from '../timeAxis.js';

/** What a plot is for: its tick labels follow (workspace time, Hz, plain numbers). */
export type PlotKind = 'time' | 'spectrum' | 'xy';

/** One line, already decimated, as columns (transferred to the worker, not copied). */
export interface PlotLine {
  x: Float64Array;
  y: Float64Array;
  colour: string;
  label: string;
  /** On the right y axis. */
  right: boolean;
  /** Edge of a band, drawn without a line: the upper edge fills down to the next line (the lower edge). */
  band?: 'upper' | 'lower';
}

/** A y axis: autoscaled (no bounds) or fixed, linear or log. */
export interface PlotYAxis {
  min?: number;
  max?: number;
  log?: boolean;
  title?: string;
}

/** Everything one plot shows in one frame. */
export interface PlotFrame {
  id: string;
  lines: PlotLine[];
  /** The x range shown; the data's range when absent. */
  x?: XRange;
  xTitle?: string;
  y: PlotYAxis;
  /** The right y axis, shown when present. */
  y2?: PlotYAxis;
  /** The workspace's axis (for time tick labels) and its hover cursor (time plots). */
  axis?: { state: TimeAxisState; hover?: number };
}

/** Where a plot's plot area lies on its canvas (CSS pixels), and the ranges its axes span. */
export interface PlotGeometry {
  left: number;
  right: number;
  top: number;
  bottom: number;
  x: XRange;
  y: XRange;
  y2?: XRange;
}

/** The page's messages to the plots' worker. */
export type ToPlotWorker =
  | { type: 'add'; id: string; kind: PlotKind; canvas: OffscreenCanvas }
  | { type: 'remove'; id: string }
  | { type: 'resize'; id: string; width: number; height: number; pixelRatio: number }
  | { type: 'frame'; plots: PlotFrame[] }
  | { type: 'cursor'; ids: string[]; hover?: number };

/** The worker's answers: after each frame, cursor or resize, the geometry of the plots it drew. */
export type FromPlotWorker =
  { type: 'drawn'; plots: Record<string, PlotGeometry> } | { type: 'resized'; plots: Record<string, PlotGeometry> };

/** The buffers of a frame, handed over rather than copied. */
export function frameTransferables(plots: readonly PlotFrame[]): ArrayBuffer[] {
  return plots
    .flatMap((plot) => plot.lines.flatMap((line) => [line.x.buffer, line.y.buffer]))
    .filter((buffer, i, all): buffer is ArrayBuffer => buffer instanceof ArrayBuffer && all.indexOf(buffer) === i);
}
