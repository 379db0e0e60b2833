import { type XRange, wholeRange } from '../charts/lineOptions.js';
import { type PointColumns, decimatedColumns } from '../charts/points.js';
import { type XAxisMode, visibleIndices, xAccessor } from './frameRange.js';
import type { LiveFrame } from './liveBuffer.js';

export interface LiveRenderOptions {
  xAxis: XAxisMode;
  /** Points the window holds when full: the sample axis spans this much while filling. */
  capacity: number;
  rollingWindow: number;
  /** The zoomed x range, if any. */
  range?: XRange;
}

/** What the live charts draw: decimated lines and the axes' settings, all of it transferable to a worker. */
export interface LiveChartData {
  /** One line per series. */
  signal: PointColumns[];
  /** Three lines per series: mean, mean + std, mean − std (STATS_PER_SERIES). */
  stats: PointColumns[];
  xTitle: string;
  statsTitle: string;
  /** The x range shown: undefined (or an open end) fits the data. */
  xRange?: Partial<XRange>;
  /** Whether the points come in x order, so that Chart.js may assume so. */
  normalized: boolean;
}

export const STATS_PER_SERIES = 3;

/**
 * The frame's points within the range, min-max decimated to about one bucket per pixel column of
 * each chart's plot area, and how many points per series that range holds.
 */
export function liveChartData(
  frame: LiveFrame,
  options: LiveRenderOptions,
  plotWidths: { signal: number; stats: number },
): { data: LiveChartData; pointsShown: number } {
  const { from, to } = visibleIndices(frame, options.xAxis, options.range);
  const xAt = xAccessor(frame, options.xAxis);
  const line = (yAt: (i: number) => number, width: number) => decimatedColumns(xAt, yAt, from, to, Math.max(64, Math.round(width)));
  const data: LiveChartData = {
    signal: frame.series.map(({ y }) => line((i) => y[i]!, plotWidths.signal)),
    stats: frame.series.flatMap(({ mean, std }) => [
      line((i) => mean[i]!, plotWidths.stats),
      line((i) => mean[i]! + std[i]!, plotWidths.stats),
      line((i) => mean[i]! - std[i]!, plotWidths.stats),
    ]),
    xTitle: options.xAxis === 'sample' ? 'sample #' : 'x',
    statsTitle: `rolling mean ± std (${options.rollingWindow} points)`,
    xRange: options.range && options.xAxis === 'sample' ? wholeRange(options.range) : (options.range ?? fullRange(frame, options)),
    normalized: options.xAxis === 'sample',
  };
  return { data, pointsShown: to - from };
}

/** The buffers to transfer (not copy) when posting the data to a worker. */
export function transferables(data: LiveChartData): ArrayBuffer[] {
  return [...data.signal, ...data.stats].flatMap((line) => [line.x.buffer, line.y.buffer] as ArrayBuffer[]);
}

/** While the window fills, the sample axis already spans its full length, as on an oscilloscope. */
function fullRange(frame: LiveFrame, { xAxis, capacity }: LiveRenderOptions): Partial<XRange> | undefined {
  if (xAxis !== 'sample') return undefined;
  return { min: frame.firstSample, max: frame.firstSample + Math.max(capacity, frame.x.length) - 1 };
}
