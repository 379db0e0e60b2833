import { h } from '../../app/dom.js';
import { formatValue } from '../../data/format.js';
import type { PanelConfigOf } from '../layout.js';
import { type PanelContext, type PanelReport, visibleSeriesOf } from './panel.js';
import { SeriesListPanel } from './seriesListPanel.js';

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

/** Statistics of each series over the visible time range: mean ± std, min and max, as a table. */
export class StatsPanel extends SeriesListPanel<'stats'> {
  readonly kind = 'stats';
  readonly element: HTMLElement;
  private readonly body: HTMLTableSectionElement;
  private rows: string[] = [];

  constructor(context: PanelContext, config: PanelConfigOf<'stats'>) {
    super(context, config);
    this.body = h('tbody');
    this.element = h(
      'div',
      { class: 'panel-body stats-panel' },
      h(
        'table',
        { class: 'stats-table', 'data-testid': 'stats-table' },
        h('thead', {}, h('tr', {}, ...COLUMNS.map((c) => h('th', {}, c)))),
        this.body,
      ),
    );
  }

  draw(): boolean {
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

  dispose(): void {}
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
