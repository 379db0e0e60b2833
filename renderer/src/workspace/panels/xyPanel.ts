import { h } from '../../app/dom.js';
import { THEME } from '../../charts/theme.js';
import { formatValue } from '../../data/format.js';
import { type SeriesRef, pairByTime } from '../channelStore.js';
import type { PanelConfigOf } from '../layout.js';
import { sampleRateOf } from '../spectrum.js';
import { type RemotePlot, plotWorker } from '../plots/plotClient.js';
import {
  type ExportSeries,
  type PanelContext,
  type PanelReport,
  type WorkspacePanel,
  seriesLabel,
  seriesValues,
  visibleSeriesOf,
} from './panel.js';

const MAX_POINTS = 4000;

/**
 * One series against another over the last `trail` seconds up to the visible range's end: from
 * one channel sample by sample, or from two channels matched by time. The first series dropped is
 * x, the second y (a third replaces y).
 */
export class XyPanel implements WorkspacePanel<'xy'> {
  readonly kind = 'xy';
  readonly element: HTMLElement;
  private readonly canvasElement: HTMLCanvasElement;
  private readonly plot: RemotePlot;
  private settings: PanelConfigOf<'xy'>;
  private pointsShown = 0;
  private latest = '';

  constructor(
    private readonly context: PanelContext,
    config: PanelConfigOf<'xy'>,
  ) {
    this.settings = config;
    this.canvasElement = h('canvas', { 'data-testid': 'panel-canvas', role: 'img', 'aria-label': 'XY plot' });
    const trail = h('input', {
      type: 'number',
      min: '0.1',
      step: 'any',
      size: '4',
      'data-testid': 'xy-trail',
      'aria-label': 'Trail length in seconds',
    });
    trail.value = String(config.trail);
    trail.addEventListener('change', () => {
      const seconds = Number(trail.value);
      if (seconds > 0) this.settings = { ...this.settings, trail: seconds };
    });
    this.element = h(
      'div',
      { class: 'panel-body' },
      h(
        'div',
        { class: 'panel-options' },
        h('label', { class: 'field' }, h('span', {}, 'trail'), trail, h('span', { class: 'unit' }, 's')),
      ),
      h('div', { class: 'plot-box' }, this.canvasElement),
    );
    this.plot = plotWorker().attach(this.canvasElement, 'xy');
  }

  config(): PanelConfigOf<'xy'> {
    return this.settings;
  }

  series(): SeriesRef[] {
    return [this.settings.x, this.settings.y].filter((s): s is SeriesRef => s !== undefined);
  }

  addSeries(ref: SeriesRef): void {
    const entry = { channel: ref.channel, series: ref.series };
    this.settings = this.settings.x ? { ...this.settings, y: entry } : { ...this.settings, x: entry };
  }

  removeSeries(position: number): void {
    const [x, y] = this.series();
    const kept = position === 0 ? y : x;
    this.settings = { ...this.settings, x: kept, y: undefined };
  }

  draw(): boolean {
    const { store, axis } = this.context;
    const { x: xRef, y: yRef } = this.settings;
    this.pointsShown = 0;
    const xChannel = xRef && store.get(xRef.channel);
    const yChannel = yRef && store.get(yRef.channel);
    const xValues = seriesValues(xChannel, xRef?.series ?? 0);
    const yValues = seriesValues(yChannel, yRef?.series ?? 0);
    if (!(xChannel && yChannel && xValues && yValues)) {
      this.plot.show({ lines: [], y: {} });
      return false;
    }
    const end = axis.state.mode === 'time' ? axis.visible().max : (xChannel.t.view().at(-1) ?? 0);
    const rate = sampleRateOf(yChannel.t.view());
    const tolerance = Number.isFinite(rate) ? 1.5 / rate : Infinity;
    const pairs = pairByTime(
      { t: xChannel.t.view(), values: xValues },
      { t: yChannel.t.view(), values: yValues },
      end - this.settings.trail,
      end,
      tolerance,
    );
    const stride = Math.max(1, Math.ceil(pairs.x.length / MAX_POINTS));
    // Every pair as it is when few enough (the frame copies lines into its own buffer anyway).
    const picked = (values: Float64Array) =>
      stride === 1 ? values : Float64Array.from({ length: Math.ceil(values.length / stride) }, (_, i) => values[i * stride]!);
    const x = picked(pairs.x);
    const y = picked(pairs.y);
    this.pointsShown = x.length;
    this.latest = x.length ? `x ${formatValue(x[x.length - 1]!)} · y ${formatValue(y[y.length - 1]!)}` : '';
    this.plot.show({
      lines: [{ x, y, colour: THEME.accent, label: 'xy', right: false }],
      xTitle: seriesLabel(store, xRef),
      y: { title: seriesLabel(store, yRef) },
    });
    return this.pointsShown > 0;
  }

  report(): PanelReport {
    return { pointsShown: this.pointsShown, readout: this.latest ? [this.latest] : [] };
  }

  visibleSeries(): ExportSeries[] {
    return visibleSeriesOf(this.context, this.series());
  }

  canvas(): HTMLCanvasElement {
    return this.canvasElement;
  }

  dispose(): void {
    this.plot.dispose();
  }
}
