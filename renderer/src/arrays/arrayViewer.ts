import type { ComplexPart } from '../../../client/index.js';
import type { ArrayInfo, ArrayStatsResponse } from '../../../common/protocol.js';
import { describeStats } from '../../../common/stats.js';
import { confirmAction } from '../app/confirm.js';
import { byTestId, h, setReadout } from '../app/dom.js';
import { saveBlob } from '../app/download.js';
import type { ServerConnection } from '../app/serverConnection.js';
import { COLOUR_MAP_NAMES, type ColourMapName } from '../colour/colourMap.js';
import { type ColourRangeMode, DEFAULT_COLOUR_RANGE } from '../colour/colourRange.js';
import { describeDtype, dtypeOf } from '../data/dtypeText.js';
import { errorText } from '../data/errorText.js';
import { formatBytes, formatCount, formatShape, formatValue } from '../data/format.js';
import { ArrayLineChart } from './arrayLineChart.js';
import { type ArraySource, exactText, heatLoader, lineLoader } from './dataLoaders.js';
import { HeatmapView } from './heatmapView.js';
import { plotValues } from '../data/numeric.js';
import { MAX_SERIES, type NdView, type PlotMode, defaultView, modesFor, seriesAxisOf, shownAxes, withAxes, xAxisOf } from './ndView.js';

type ViewerState = 'empty' | 'loading' | 'ready' | 'error';

const MODE_LABELS: Record<PlotMode, string> = {
  heatmap: 'heatmap',
  columns: 'columns as lines',
  rows: 'rows as lines',
  line: 'one line',
};

interface Opened {
  readonly info: ArrayInfo;
  readonly kind: string;
  view: NdView;
}

/**
 * The selected array: statistics computed by the server, and a view of any N-D array that
 * fetches only what it draws: a line (1-D), or for more axes a heatmap or lines of two chosen
 * axes with a slider for each other axis.
 */
export class ArrayViewer {
  private readonly line: ArrayLineChart;
  private readonly heatmap: HeatmapView;
  private opened?: Opened;
  private opening = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly server: ServerConnection,
    private readonly onDeleted: () => void,
  ) {
    this.line = new ArrayLineChart(this.part('array-line'));
    this.heatmap = new HeatmapView(this.part('array-heatmap'));
    const colourMap = this.part<HTMLSelectElement>('colour-map');
    colourMap.replaceChildren(...COLOUR_MAP_NAMES.map((name) => h('option', { value: name }, name)));
    for (const id of ['colour-map', 'colour-range', 'colour-min', 'colour-max'])
      this.part(id).addEventListener('change', () => this.applyColour());
    this.part('array-mode').addEventListener('change', () => this.changeView({ mode: this.select('array-mode') as PlotMode }));
    this.part('array-row-axis').addEventListener('change', () => this.changeAxes());
    this.part('array-col-axis').addEventListener('change', () => this.changeAxes());
    this.part('array-part').addEventListener('change', () => {
      void this.loadStats();
      this.plot();
    });
    this.part('array-reset-zoom').addEventListener('click', () => this.plot());
    this.part('array-download').addEventListener('click', () => void this.download());
    this.part('array-delete').addEventListener('click', () => void this.delete());
    this.clear();
  }

  get index(): number | null {
    return this.opened?.info.index ?? null;
  }

  clear(): void {
    this.opening++;
    this.opened = undefined;
    this.part('array-title').textContent = 'No array selected';
    this.part('array-meta').textContent = 'Upload a .npy file or pick one from the list.';
    this.setState('empty');
  }

  async open(info: ArrayInfo): Promise<void> {
    this.opening++;
    const dtype = dtypeOf(info.dtype);
    this.opened = { info, kind: dtype?.kind ?? 'f', view: defaultView(info.shape) };
    this.part('array-title').textContent = info.name;
    this.part('array-title').title = info.name;
    this.showMeta(info.dtype);
    this.part('array-part-label').hidden = this.opened.kind !== 'c';
    this.part<HTMLSelectElement>('array-part').value = 'abs';
    this.part('colour-controls').hidden = this.opened.kind === 'b';
    this.setState('ready');
    this.buildControls();
    this.plot();
    await this.loadStats();
  }

  private showMeta(dtype: string): void {
    const { info } = this.opened!;
    const meta = `#${info.index} · ${formatShape(info.shape)} · ${describeDtype(dtype)} · ${formatBytes(info.bytes)}`;
    this.part('array-meta').textContent = meta;
    this.part('array-meta').title = meta;
  }

  private source(): ArraySource {
    const { info, kind } = this.opened!;
    return { client: this.server.client, index: info.index, kind, part: this.select('array-part') as ComplexPart };
  }

  private async loadStats(): Promise<void> {
    const opening = this.opening;
    const { info, kind } = this.opened!;
    for (const id of STAT_IDS) setReadout(this.part(id), '…', '');
    this.part('stat-note').textContent = 'computing statistics on the server…';
    try {
      const stats = await this.server.client.getStats(info.index, kind === 'c' ? { part: this.source().part } : {});
      if (opening !== this.opening) return;
      this.showMeta(stats.dtype);
      this.showStats(stats);
    } catch (error) {
      if (opening !== this.opening) return;
      this.part('stat-note').textContent = `Statistics unavailable: ${errorText(error)}`;
    }
  }

  private showStats(stats: ArrayStatsResponse): void {
    const show = (id: string, value: number | null, text: string) => {
      setReadout(this.part(id), text, value === null ? '' : value);
      this.part(id).title = value === null ? text : String(value);
    };
    const empty = stats.count === 0;
    const none = empty ? 'empty' : 'no finite values';
    show('stat-count', stats.count, formatCount(stats.count));
    for (const key of ['min', 'max', 'mean', 'std'] as const)
      show(`stat-${key}`, stats[key], stats[key] === null ? none : formatValue(stats[key]!));
    show('stat-nan', stats.nan, formatCount(stats.nan));
    show('stat-posinf', stats.posInf, formatCount(stats.posInf));
    show('stat-neginf', stats.negInf, formatCount(stats.negInf));
    const part = stats.part ? ` Complex values: statistics of ${stats.part === 'abs' ? '|z|' : `the ${stats.part} part`}.` : '';
    const what = this.opened?.kind === 'b' ? ' Bool values count as 0 and 1.' : '';
    this.part('stat-note').textContent = empty
      ? 'The array is empty.'
      : `Whole array: min, max, mean and std of the ${formatCount(stats.finite)} finite values; NaN and ±Inf are counted apart.${part}${what}`;
    this.part('stat-note').title = describeStats(stats, formatValue);
  }

  private buildControls(): void {
    const { view } = this.opened!;
    const { shape } = view;
    const mode = this.part<HTMLSelectElement>('array-mode');
    mode.replaceChildren(...modesFor(shape).map((m) => h('option', { value: m }, MODE_LABELS[m])));
    mode.value = view.mode;
    const axisOptions = () => shape.map((n, axis) => h('option', { value: String(axis) }, `axis ${axis} (${n})`));
    const rowAxis = this.part<HTMLSelectElement>('array-row-axis');
    const colAxis = this.part<HTMLSelectElement>('array-col-axis');
    rowAxis.replaceChildren(...axisOptions());
    colAxis.replaceChildren(...axisOptions());
    rowAxis.value = String(view.rowAxis);
    colAxis.value = String(view.colAxis);
    this.part('array-controls').hidden = shape.length === 0 || shape.includes(0);
    this.part('array-row-axis-label').hidden = shape.length < 2 || view.mode === 'line';
    this.part('array-col-axis-label').hidden = shape.length < 2;
    this.part('array-col-axis-title').textContent = view.mode === 'heatmap' || view.mode === 'columns' ? 'columns' : 'x';
    const sliders = shape.flatMap((length, axis) => {
      if (shownAxes(view).includes(axis)) return [];
      const input = h('input', {
        type: 'range',
        min: '0',
        max: String(length - 1),
        value: String(view.indices[axis]),
        'data-testid': `axis-slider-${axis}`,
        'aria-label': `index along axis ${axis}`,
      });
      const output = h('output', { 'data-testid': `axis-index-${axis}`, class: 'mono' }, String(view.indices[axis]));
      input.addEventListener('input', () => {
        output.textContent = input.value;
        const indices = [...this.opened!.view.indices];
        indices[axis] = Number(input.value);
        this.changeView({ indices }, false);
      });
      return [h('label', { class: 'axis-slider' }, `axis ${axis}`, input, output, h('span', { class: 'muted' }, `/ ${length - 1}`))];
    });
    this.part('array-sliders').replaceChildren(...sliders);
  }

  private changeAxes(): void {
    const view = this.opened!.view;
    const row = Number(this.select('array-row-axis'));
    const col = Number(this.select('array-col-axis'));
    // Picking the axis the other select shows swaps the two.
    const next = row === col ? withAxes(view, view.colAxis, view.rowAxis) : withAxes(view, row, col);
    this.changeView(next);
  }

  private changeView(change: Partial<NdView>, rebuild = true): void {
    if (!this.opened) return;
    this.opened.view = { ...this.opened.view, ...change };
    if (rebuild) this.buildControls();
    this.plot();
  }

  private applyColour(): void {
    const rangeChoice = this.select('colour-range');
    const min = this.part<HTMLInputElement>('colour-min');
    const max = this.part<HTMLInputElement>('colour-max');
    min.hidden = max.hidden = rangeChoice !== 'fixed';
    let range: ColourRangeMode = DEFAULT_COLOUR_RANGE;
    if (rangeChoice === 'p0') range = { mode: 'percentile', low: 0, high: 100 };
    if (rangeChoice === 'fixed') {
      const shown = (id: string) => this.root.querySelector<HTMLElement>(`[data-testid="${id}"]`)?.dataset.value ?? '0';
      const low = Number(min.value || shown('legend-min'));
      const high = Number(max.value || shown('legend-max'));
      min.value = String(low);
      max.value = String(high);
      range = { mode: 'fixed', min: low, max: high };
    }
    this.heatmap.setColour({ map: this.select('colour-map') as ColourMapName, range, bool: this.opened?.kind === 'b' });
  }

  private plot(): void {
    if (!this.opened) return;
    const { info, view, kind } = this.opened;
    const source = this.source();
    const count = info.shape.reduce((a, b) => a * b, 1);
    this.applyColour();
    if (count === 0) return this.setKind('empty');
    if (info.shape.length === 0) {
      this.setKind('scalar');
      void this.showScalar(source);
      return;
    }
    const valueTitle =
      kind === 'c' ? { abs: '|z|', phase: 'phase (rad)', real: 'real part', imag: 'imaginary part' }[source.part] : 'value';
    if (view.mode === 'heatmap') {
      this.setKind('heatmap');
      this.heatmap.show(
        info.shape[view.rowAxis]!,
        info.shape[view.colAxis]!,
        { rows: `axis ${view.rowAxis}`, cols: `axis ${view.colAxis}` },
        heatLoader(source, view),
      );
      return;
    }
    this.setKind(view.mode);
    const xAxis = xAxisOf(view);
    const seriesAxis = seriesAxisOf(view);
    const shown = seriesAxis >= 0 ? Math.min(MAX_SERIES, info.shape[seriesAxis]!) : 0;
    const more =
      seriesAxis >= 0 && info.shape[seriesAxis]! > shown ? ` (first ${shown} of ${info.shape[seriesAxis]} along axis ${seriesAxis})` : '';
    this.line.show(
      info.shape[xAxis]!,
      { x: `index along axis ${xAxis}${more}`, y: valueTitle },
      lineLoader(source, view, (offset) => this.showOffset(offset, valueTitle)),
    );
  }

  /** Values of 64-bit integers far from zero are plotted minus their minimum, which the y title then says. */
  private showOffset(offset: bigint | null, valueTitle: string): void {
    this.part('array-line').dataset.offset = offset === null ? '' : String(offset);
    this.line.setYTitle(offset === null ? valueTitle : `${valueTitle} − ${offset}`);
  }

  private async showScalar(source: ArraySource): Promise<void> {
    const opening = this.opening;
    try {
      const array = await source.client.getSlice(source.index, '');
      if (opening !== this.opening) return;
      const plot = plotValues(array.values, source.kind === 'c', source.part);
      setReadout(this.part('array-scalar'), exactText(array.values, 0, source, plot), plot.values[0]!);
    } catch (error) {
      setReadout(this.part('array-scalar'), errorText(error));
    }
  }

  private setKind(kind: PlotMode | 'scalar' | 'empty'): void {
    this.root.dataset.kind = kind;
    this.part('array-reset-zoom').hidden = kind === 'scalar' || kind === 'empty';
    this.part('colour-controls').hidden = kind !== 'heatmap' || this.opened?.kind === 'b';
  }

  private async download(): Promise<void> {
    const info = this.opened?.info;
    if (!info) return;
    const progress = this.part<HTMLProgressElement>('array-load-progress');
    progress.hidden = false;
    progress.removeAttribute('value');
    try {
      const npy = await this.server.client.downloadNpy(info.index, ({ loaded, total }) => {
        if (total) progress.value = loaded / total;
      });
      const name = info.name.toLowerCase().endsWith('.npy') ? info.name : `${info.name}.npy`;
      saveBlob(new Blob([npy as Uint8Array<ArrayBuffer>], { type: 'application/x-npy' }), name);
    } catch (error) {
      this.showError(error);
    } finally {
      progress.hidden = true;
    }
  }

  private async delete(): Promise<void> {
    const info = this.opened?.info;
    if (
      !info ||
      !(await confirmAction(`Delete array #${info.index} “${info.name}” from ${this.server.url}? This cannot be undone.`, 'Delete'))
    )
      return;
    try {
      await this.server.client.deleteArray(info.index);
      this.clear();
      this.onDeleted();
    } catch (error) {
      this.showError(error);
    }
  }

  private showError(error: unknown): void {
    setReadout(this.part('array-error'), errorText(error));
    this.part('array-error').hidden = false;
  }

  private setState(state: ViewerState): void {
    this.root.dataset.state = state;
    if (state !== 'ready') delete this.root.dataset.kind;
    this.part('array-load-progress').hidden = state !== 'loading';
    this.part('array-error').hidden = state !== 'error';
    this.part('array-actions').hidden = state === 'empty';
  }

  private select(id: string): string {
    return this.part<HTMLSelectElement>(id).value;
  }

  private part<T extends HTMLElement = HTMLElement>(id: string): T {
    return byTestId<T>(id, this.root);
  }
}

const STAT_IDS = ['stat-count', 'stat-min', 'stat-max', 'stat-mean', 'stat-std', 'stat-nan', 'stat-posinf', 'stat-neginf'];
