import { h } from '../../app/dom.js';
import { decimatedColumns } from '../../charts/points.js';
import { seriesColour } from '../../charts/theme.js';
import { formatValue } from '../../data/format.js';
import { rollingSeries } from '../../live/rollingStats.js';
import { rangeIndices } from '../channelStore.js';
import type { PanelConfigOf } from '../layout.js';
import { type RemotePlot, plotWorker } from '../plots/plotClient.js';
import type { PlotLine } from '../plots/plotProtocol.js';
import { type PanelContext, type PanelReport, seriesLabel, seriesValues, visibleSeriesOf, xColumn } from './panel.js';
import { SeriesListPanel } from './seriesListPanel.js';

/** Points in each rolling mean and std (the live view's default). */
const ROLLING_WINDOW = 100;

interface Summary {
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
}

/** count, mean, std, min and max of finite values. */
export function summarize(values: Float64Array): Summary {
  let count = 0;
  let sum = 0;
  let squares = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    count++;
    sum += value;
    squares += value * value;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const mean = count ? sum / count : NaN;
  return {
    count,
    mean,
    std: count ? Math.sqrt(Math.max(0, squares / count - mean * mean)) : NaN,
    min: count ? min : NaN,
    max: count ? max : NaN,
  };
}

const COLUMNS = ['series', 'mean', '± std', 'min', 'max', 'n'] as const;

/**
 * Statistics of each series over the visible time range: its rolling mean ± std as a band on the
 * workspace's time axis (the live view's lower chart), and mean ± std, min and max as a table.
 */
export class StatsPanel extends SeriesListPanel<'stats'> {
  readonly kind = 'stats';
  readonly element: HTMLElement;
  private readonly body: HTMLTableSectionElement;
  private readonly canvasElement: HTMLCanvasElement;
  private readonly plot: RemotePlot;
  private rows: string[] = [];

  constructor(context: PanelContext, config: PanelConfigOf<'stats'>) {
    super(context, config);
    this.body = h('tbody');
    this.canvasElement = h('canvas', { 'data-testid': 'panel-canvas', role: 'img', 'aria-label': 'Rolling mean ± std' });
    this.element = h(
      'div',
      { class: 'panel-body stats-panel' },
      h('div', { class: 'plot-box' }, this.canvasElement),
      h(
        'table',
        { class: 'stats-table', 'data-testid': 'stats-table' },
        h('thead', {}, h('tr', {}, ...COLUMNS.map((c) => h('th', {}, c)))),
        this.body,
      ),
    );
    this.plot = plotWorker().attach(this.canvasElement, 'time');
  }

  draw(): boolean {
    this.drawRolling();
    const visible = visibleSeriesOf(this.context, this.settings.series, false);
    this.rows = [];
    this.body.replaceChildren(
      ...visible.map((entry) => {
        const s = summarize(entry.values);
        const cells = [entry.label, formatValue(s.mean), formatValue(s.std), formatValue(s.min), formatValue(s.max), String(s.count)];
        this.rows.push(cells.join(' '));
        return h('tr', {}, ...cells.map((text, i) => h(i ? 'td' : 'th', { class: i ? 'num mono' : '' }, text)));
      }),
    );
    return visible.some((entry) => entry.values.length > 0);
  }

  report(): PanelReport {
    const visible = visibleSeriesOf(this.context, this.settings.series, false);
    return { pointsShown: visible.reduce((sum, s) => sum + s.values.length, 0), readout: this.rows };
  }

  canvas(): HTMLCanvasElement {
    return textCanvas([COLUMNS.join('   '), ...this.rows], this.element.clientWidth);
  }

  dispose(): void {
    this.plot.dispose();
  }

  /** Each series' rolling mean and mean ± std over the visible range, decimated to the plot's width. */
  private drawRolling(): void {
    const { store, axis } = this.context;
    const range = axis.visible();
    const buckets = Math.max(16, Math.round(this.plot.width));
    const lines: PlotLine[] = [];
    this.settings.series.forEach((ref, d) => {
      const channel = store.get(ref.channel);
      const values = seriesValues(channel, ref.series);
      if (!channel || !values) return;
      const x = xColumn(channel, axis);
      const { from, to } = rangeIndices(x, range.min, range.max);
      const { mean, std } = rollingSeries(values, ROLLING_WINDOW, from, to);
      const line = (yAt: (i: number) => number) => decimatedColumns((i) => x[from + i]!, yAt, 0, to - from, buckets);
      const colour = seriesColour(d);
      const label = seriesLabel(store, ref);
      lines.push(
        { ...line((i) => mean[i]!), colour, label: `mean ${label}`, right: false },
        { ...line((i) => mean[i]! + std[i]!), colour, label: `+ std ${label}`, right: false, band: 'upper' },
        { ...line((i) => mean[i]! - std[i]!), colour, label: `− std ${label}`, right: false, band: 'lower' },
      );
    });
    this.plot.show({
      lines,
      x: range,
      y: { title: `mean ± std, ${ROLLING_WINDOW} pts` },
      axis: { state: axis.state, hover: axis.hover },
    });
  }
}

/** A plain picture of a text panel for PNG export: its lines drawn as text. */
export function textCanvas(lines: readonly string[], width: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(200, width);
  canvas.height = Math.max(60, 20 * lines.length + 20);
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#11161c';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.fillStyle = '#aab4bf';
  context.font = '13px monospace';
  lines.forEach((line, i) => context.fillText(line, 10, 24 + 20 * i));
  return canvas;
}
