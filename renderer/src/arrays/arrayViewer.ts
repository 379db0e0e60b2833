import type { ArrayInfo } from '../../../common/protocol.js';
import { confirmAction } from '../app/confirm.js';
import { byTestId, setReadout } from '../app/dom.js';
import { saveBlob } from '../app/download.js';
import type { ServerConnection } from '../app/serverConnection.js';
import { errorText } from '../data/errorText.js';
import type { RealArray } from '../data/numeric.js';
import { formatBytes, formatCount, formatShape, formatValue } from '../data/format.js';
import { ArrayLineChart, type LineSeries } from './arrayLineChart.js';
import { type ArrayStats, summarize } from './arrayStats.js';
import { HeatmapView } from './heatmapView.js';
import { type PlotData, plotData } from './plotData.js';

/** More lines than this are unreadable; "rows as lines" shows the first ones. */
const MAX_ROW_LINES = 16;

type ViewerState = 'empty' | 'loading' | 'ready' | 'error';

interface Loaded {
  info: ArrayInfo;
  data: PlotData;
  stats: ArrayStats;
}

/** The selected array: summary statistics, and a line plot (1-D) or heatmap (2-D and up). */
export class ArrayViewer {
  private readonly line: ArrayLineChart;
  private readonly heatmap: HeatmapView;
  private readonly rowsAsLines: HTMLInputElement;
  private loaded?: Loaded;
  private opening = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly server: ServerConnection,
    private readonly onDeleted: () => void,
  ) {
    this.line = new ArrayLineChart(this.part('array-line-canvas'));
    this.heatmap = new HeatmapView(this.part('array-heatmap'));
    this.rowsAsLines = this.part('array-rows-as-lines');
    this.rowsAsLines.addEventListener('change', () => this.plot());
    this.part('array-reset-zoom').addEventListener('click', () => this.line.resetZoom());
    this.part('array-download').addEventListener('click', () => void this.download());
    this.part('array-delete').addEventListener('click', () => void this.delete());
    this.clear();
  }

  get index(): number | null {
    return this.loaded?.info.index ?? null;
  }

  clear(): void {
    this.opening++;
    this.loaded = undefined;
    this.part('array-title').textContent = 'No array selected';
    this.part('array-meta').textContent = 'Upload a .npy file or pick one from the list.';
    this.setState('empty');
  }

  async open(info: ArrayInfo): Promise<void> {
    const opening = ++this.opening;
    const client = this.server.client;
    this.part('array-title').textContent = info.name;
    this.part('array-meta').textContent = `#${info.index} · ${formatShape(info.shape)} · ${info.dtype} · ${formatBytes(info.bytes)}`;
    const progress = this.part<HTMLProgressElement>('array-load-progress');
    progress.removeAttribute('value');
    this.setState('loading');
    try {
      const array = await client.getArray(info.index, ({ loaded, total }) => {
        if (total) progress.value = loaded / total;
      });
      if (opening !== this.opening) return;
      const data = plotData(array.values, [...array.header.shape], array.header.dtype.name);
      this.loaded = { info, data, stats: summarize(data.values) };
    } catch (error) {
      if (opening !== this.opening) return;
      setReadout(this.part('array-error'), errorText(error));
      this.setState('error');
      return;
    }
    this.showStats();
    this.setState('ready');
    this.plot();
  }

  private plot(): void {
    if (!this.loaded) return;
    const { data, stats } = this.loaded;
    const { layout, values } = data;
    const asLines = layout.kind === 'grid' && this.rowsAsLines.checked;
    this.root.dataset.kind = asLines ? 'rows' : layout.kind;
    this.part('array-rows-toggle').hidden = layout.kind !== 'grid';
    this.part('array-reset-zoom').hidden = !(layout.kind === 'line' || asLines);
    const valueTitle = data.magnitude ? '|value|' : 'value';
    switch (layout.kind) {
      case 'scalar':
        setReadout(this.part('array-scalar'), formatValue(values[0]!), values[0]!);
        break;
      case 'line':
        this.line.show([{ label: valueTitle, values }], { x: 'index', y: valueTitle });
        break;
      case 'grid':
        if (asLines) {
          const last = Math.min(layout.rows, MAX_ROW_LINES) - 1;
          this.line.show(rowSeries(values, layout.rows, layout.cols), {
            x: `column (rows 0–${last} of ${formatCount(layout.rows)})`,
            y: valueTitle,
          });
        } else {
          this.heatmap.show(values, layout.rows, layout.cols, stats.min, stats.max);
        }
    }
  }

  private showStats(): void {
    const { data, stats } = this.loaded!;
    const show = (id: string, value: number, text = formatValue(value)) => {
      setReadout(this.part(id), text, value);
      this.part(id).title = String(value);
    };
    show('stat-count', stats.count, formatCount(stats.count));
    show('stat-min', stats.min);
    show('stat-max', stats.max);
    show('stat-mean', stats.mean);
    show('stat-std', stats.std);
    show('stat-nan', stats.nan, formatCount(stats.nan));
    show('stat-inf', stats.infinite, formatCount(stats.infinite));
    this.part('stat-note').textContent = data.magnitude ? 'Complex values: statistics and plot of the magnitude |z|.' : '';
  }

  private async download(): Promise<void> {
    const info = this.loaded?.info;
    if (!info) return;
    try {
      const npy = await this.server.client.downloadNpy(info.index);
      const name = info.name.toLowerCase().endsWith('.npy') ? info.name : `${info.name}.npy`;
      saveBlob(new Blob([npy as Uint8Array<ArrayBuffer>], { type: 'application/x-npy' }), name);
    } catch (error) {
      setReadout(this.part('array-error'), errorText(error));
      this.part('array-error').hidden = false;
    }
  }

  private async delete(): Promise<void> {
    const info = this.loaded?.info;
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
      setReadout(this.part('array-error'), errorText(error));
      this.part('array-error').hidden = false;
    }
  }

  private setState(state: ViewerState): void {
    this.root.dataset.state = state;
    if (state !== 'ready') delete this.root.dataset.kind;
    this.part('array-load-progress').hidden = state !== 'loading';
    this.part('array-error').hidden = state !== 'error';
    this.part('array-actions').hidden = state === 'empty';
  }

  private part<T extends HTMLElement = HTMLElement>(id: string): T {
    return byTestId<T>(id, this.root);
  }
}

function rowSeries(values: RealArray, rows: number, cols: number): LineSeries[] {
  return Array.from({ length: Math.min(rows, MAX_ROW_LINES) }, (_, r) => ({
    label: `row ${r}`,
    values: values.subarray(r * cols, (r + 1) * cols),
  }));
}
