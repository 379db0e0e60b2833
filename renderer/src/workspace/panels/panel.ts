import { type ChannelBuffer, type ChannelStore, type SeriesRef, rangeIndices } from '../channelStore.js';
import type { PanelConfigOf, PanelKind } from '../layout.js';
import type { TimeAxis } from '../timeAxis.js';

/** What every panel draws from: the one store and the one time axis. */
export interface PanelContext {
  store: ChannelStore;
  axis: TimeAxis;
}

/** One series' samples in the visible range, for export. */
export interface ExportSeries {
  ref: SeriesRef;
  label: string;
  t: Float64Array;
  index: Float64Array;
  values: Float64Array;
}

/** What a panel reports to the status line and the test hook. */
export interface PanelReport {
  /** Points drawn in the last frame (after decimation for plots). */
  pointsShown: number;
  /** Values under the hover cursor (or the newest), as text, one per series. */
  readout: string[];
  /** The x range drawn (time panels). */
  xRange?: { min: number; max: number };
}

/**
 * One panel type = one module implementing this. The host (panelHost.ts) gives it a body element
 * and the shared context, and calls `draw` once per frame in which data or the view changed.
 */
export interface WorkspacePanel<K extends PanelKind = PanelKind> {
  readonly kind: K;
  /** The panel's own content, placed below the host's header. */
  readonly element: HTMLElement;
  config(): PanelConfigOf<K>;
  /** Series the panel shows, in order (for the header's chips). */
  series(): SeriesRef[];
  addSeries(ref: SeriesRef): void;
  removeSeries(position: number): void;
  /** Draws what changed; returns whether the drawing shows new data. */
  draw(dataChanged: boolean): boolean;
  report(): PanelReport;
  /** The visible range of each series, exactly as drawn (before decimation). */
  visibleSeries(): ExportSeries[];
  /** The canvas to save as PNG. */
  canvas(): HTMLCanvasElement;
  dispose(): void;
}

/** The label of a series wherever it appears: `channel.name [unit]`. */
export function seriesLabel(store: ChannelStore, ref: SeriesRef): string {
  const channel = store.get(ref.channel);
  const name = channel ? channel.seriesName(ref.series) : ref.series ? `y[${ref.series}]` : 'y';
  const unit = channel?.seriesUnit(ref.series);
  return `${ref.channel}.${name}${unit ? ` [${unit}]` : ''}`;
}

/** The x column of a channel on the workspace's axis: sample times or sample indices. */
export function xColumn(channel: ChannelBuffer, axis: TimeAxis): Float64Array {
  return axis.state.mode === 'time' ? channel.t.view() : channel.index.view();
}

/** A series' values, or undefined while its channel (or that series) has not arrived. */
export function seriesValues(channel: ChannelBuffer | undefined, series: number): Float64Array | undefined {
  return channel?.values[series]?.view();
}

/**
 * Each series' samples inside the axis's visible range, exactly (no margin, no decimation): copies,
 * or with `copy` false views into the store (for use at once: the next packet may overwrite them).
 */
export function visibleSeriesOf({ store, axis }: PanelContext, refs: readonly SeriesRef[], copy = true): ExportSeries[] {
  const range = axis.visible();
  const part = (column: Float64Array, from: number, to: number) => (copy ? column.slice(from, to) : column.subarray(from, to));
  return refs.flatMap((ref) => {
    const channel = store.get(ref.channel);
    const values = seriesValues(channel, ref.series);
    if (!channel || !values) return [];
    const { from, to } = rangeIndices(xColumn(channel, axis), range.min, range.max, 0);
    return [
      {
        ref,
        label: seriesLabel(store, ref),
        t: part(channel.t.view(), from, to),
        index: part(channel.index.view(), from, to),
        values: part(values, from, to),
      },
    ];
  });
}
