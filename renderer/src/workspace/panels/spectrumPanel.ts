import { h, setText } from '../../app/dom.js';
import { decimatedColumns } from '../../charts/points.js';
import { seriesColour } from '../../charts/theme.js';
import { formatValue } from '../../data/format.js';
import type { PanelConfigOf } from '../layout.js';
import { sampleRateOf, settledDecades, spectrum } from '../spectrum.js';
import type { XRange } from '../timeAxis.js';
import { type RemotePlot, plotWorker } from '../plots/plotClient.js';
import type { PlotLine } from '../plots/plotProtocol.js';
import { type PanelContext, type PanelReport, visibleSeriesOf } from './panel.js';
import { SeriesListPanel } from './seriesListPanel.js';

/** FFT amplitude or PSD of each series over the visible time range, on a log or linear y axis. */
export class SpectrumPanel extends SeriesListPanel<'spectrum'> {
  readonly kind = 'spectrum';
  readonly element: HTMLElement;
  private readonly canvasElement: HTMLCanvasElement;
  private readonly plot: RemotePlot;
  private readonly note: HTMLElement;
  private pointsShown = 0;
  private peaks: string[] = [];
  /** The log y axis as last shown (see `settledDecades`). */
  private decades?: XRange;

  constructor(context: PanelContext, config: PanelConfigOf<'spectrum'>) {
    super(context, config);
    this.canvasElement = h('canvas', { 'data-testid': 'panel-canvas', role: 'img', 'aria-label': 'Spectrum' });
    const scale = h(
      'select',
      { 'data-testid': 'spectrum-scale', title: 'Amplitude (units) or power spectral density (units²/Hz)' },
      h('option', { value: 'amplitude' }, 'amplitude'),
      h('option', { value: 'psd' }, 'PSD'),
    );
    const log = h('input', { type: 'checkbox', 'data-testid': 'spectrum-log' });
    scale.value = config.scale;
    log.checked = config.log;
    scale.addEventListener('change', () => (this.settings = { ...this.settings, scale: scale.value === 'psd' ? 'psd' : 'amplitude' }));
    log.addEventListener('change', () => (this.settings = { ...this.settings, log: log.checked }));
    this.note = h('span', { class: 'muted small', 'data-testid': 'spectrum-note' });
    this.element = h(
      'div',
      { class: 'panel-body' },
      h('div', { class: 'panel-options' }, scale, h('label', { class: 'check' }, log, ' log y'), this.note),
      h('div', { class: 'plot-box' }, this.canvasElement),
    );
    this.plot = plotWorker().attach(this.canvasElement, 'spectrum');
  }

  draw(): boolean {
    const visible = visibleSeriesOf(this.context, this.settings.series, false);
    // About two points per pixel: the spectrum of a minute at 1 kHz has 16,384 bins.
    const buckets = Math.max(16, Math.round(this.plot.width));
    this.peaks = [];
    let size = 0;
    let points = 0;
    const lines: PlotLine[] = [];
    visible.forEach((entry, d) => {
      const result = spectrum(entry.values, sampleRateOf(entry.t), this.settings.scale);
      if (!result) return;
      size = Math.max(size, result.size);
      // A log axis cannot show 0 (the DC bin after removing the mean): start at the first bin.
      const { x, y } = decimatedColumns(
        (k) => result.frequency[k]!,
        (k) => result.value[k]!,
        1,
        result.value.length,
        buckets,
      );
      points += x.length;
      let peak = 1;
      for (let k = 2; k < result.value.length; k++) if (result.value[k]! > result.value[peak]!) peak = k;
      this.peaks.push(`${entry.label} peak ${formatValue(result.frequency[peak]!)} Hz`);
      lines.push({ x, y, colour: seriesColour(d), label: entry.label, right: false });
    });
    setText(this.note, size ? `${size} samples` : visible.length ? 'too few samples in view' : '');
    this.decades = this.settings.log ? settledDecades(this.decades, ...positiveExtent(lines)) : undefined;
    this.plot.show({ lines, y: { log: this.settings.log, ...this.decades } });
    this.pointsShown = points;
    return points > 0;
  }

  report(): PanelReport {
    return { pointsShown: this.pointsShown, readout: this.peaks };
  }

  canvas(): HTMLCanvasElement {
    return this.canvasElement;
  }

  dispose(): void {
    this.plot.dispose();
  }
}

/** The lowest and highest positive values of the lines (what a log axis can show). */
function positiveExtent(lines: readonly PlotLine[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const { y } of lines)
    for (let i = 0; i < y.length; i++) {
      const value = y[i]!;
      if (value > 0 && value < lo) lo = value;
      if (value > hi && value < Infinity) hi = value;
    }
  return [lo, hi];
}
