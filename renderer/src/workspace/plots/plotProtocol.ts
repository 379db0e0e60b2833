import type { TimeAxisState, XRange } from '../timeAxis.js';

/** What a plot is for: its tick labels follow (workspace time, Hz, plain numbers). */
export type PlotKind = 'time' | 'spectrum' | 'xy';

/** One line, already decimated, as columns (packed with the frame's other lines into one buffer: see `packFrame`). */
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
  | { type: 'drawn'; plots: Record<string, PlotGeometry>; released: ArrayBuffer[] }
  | { type: 'resized'; plots: Record<string, PlotGeometry> };

/**
 * Copies every line of a frame into one buffer (from `bufferOf`, at least the bytes asked for),
 * the lines becoming views of it: the frame is then handed over with that one buffer, which the
 * worker hands back once no plot shows it (`released`). A browser makes every new ArrayBuffer
 * slowly (about 0.1 ms each in Chromium, against a microsecond to copy a line): frames of lines
 * in buffers of their own cost the page more than deciding what the lines are.
 */
export function packFrame(plots: readonly PlotFrame[], bufferOf: (bytes: number) => ArrayBuffer): ArrayBuffer {
  const lines = plots.flatMap((plot) => plot.lines);
  const buffer = bufferOf(lines.reduce((sum, line) => sum + line.x.length + line.y.length, 0) * Float64Array.BYTES_PER_ELEMENT);
  let offset = 0;
  const place = (values: Float64Array) => {
    const view = new Float64Array(buffer, offset * Float64Array.BYTES_PER_ELEMENT, values.length);
    view.set(values);
    offset += values.length;
    return view;
  };
  for (const line of lines) {
    line.x = place(line.x);
    line.y = place(line.y);
  }
  return buffer;
}
