import { h } from '../../app/dom.js';
import { BucketDecimator } from '../../data/bucketDecimator.js';
import { seriesColour } from '../../charts/theme.js';
import { formatValue } from '../../data/format.js';
import { type SeriesRef, nearestIndex, seriesKey } from '../channelStore.js';
import type { AxisScale, PanelConfigOf, TimeSeriesConfig } from '../layout.js';
import { type RemotePlot, plotWorker } from '../plots/plotClient.js';
import type { PlotYAxis } from '../plots/plotProtocol.js';
import { SeriesListPanel } from './seriesListPanel.js';
import { type PanelContext, type PanelReport, seriesLabel, seriesValues, xColumn } from './panel.js';

const WHEEL_ZOOM = 1.15;

/**
 * Any number of series from any channels against the workspace's time axis, each on the left or
 * right y axis, each axis autoscaled or fixed. Wheel zooms, drag pans, double-click follows the
 * newest data again; all of it moves every time panel, since they share the axis.
 */
export class TimePlotPanel extends SeriesListPanel<'time'> {
  readonly kind = 'time';
  readonly element: HTMLElement;
  private readonly canvasElement: HTMLCanvasElement;
  private readonly plot: RemotePlot;
  private readonly scaleInputs: Record<'left' | 'right', HTMLElement>;
  private pointsShown = 0;
  /** Per series (`channel[s]`), and per x mode, since each decimates its own x column. */
  private decimators = new Map<string, BucketDecimator>();

  constructor(context: PanelContext, config: PanelConfigOf<'time'>) {
    super(context, config);
    this.canvasElement = h('canvas', { 'data-testid': 'panel-canvas', role: 'img', 'aria-label': 'Time plot' });
    this.scaleInputs = { left: this.scaleControl('left'), right: this.scaleControl('right') };
    this.element = h(
      'div',
      { class: 'panel-body time-plot' },
      h('div', { class: 'panel-options' }, this.scaleInputs.left, this.scaleInputs.right),
      h('div', { class: 'plot-box' }, this.canvasElement),
    );
    this.plot = plotWorker().attach(this.canvasElement, 'time');
    this.attachGestures();
  }

  override addSeries(ref: SeriesRef, axis: 'left' | 'right' = 'left'): void {
    if (this.settings.series.some((s) => s.channel === ref.channel && s.series === ref.series)) return;
    const used = new Set(this.settings.series.map((s) => s.colour));
    let colourIndex = this.settings.series.length;
    while (used.has(seriesColour(colourIndex)) && colourIndex < this.settings.series.length + 10) colourIndex++;
    this.settings = { ...this.settings, series: [...this.settings.series, { ...ref, axis, colour: seriesColour(colourIndex) }] };
  }

  /** Moves a series to the other y axis. */
  toggleAxis(position: number): void {
    this.settings = {
      ...this.settings,
      series: this.settings.series.map((s, i) =>
        i === position ? { ...s, axis: s.axis === 'left' ? ('right' as const) : ('left' as const) } : s,
      ),
    };
  }

  setColour(position: number, colour: string): void {
    this.settings = { ...this.settings, series: this.settings.series.map((s, i) => (i === position ? { ...s, colour } : s)) };
  }

  setScale(side: 'left' | 'right', scale: AxisScale): void {
    this.settings = { ...this.settings, [side]: scale };
  }

  draw(): boolean {
    const { store, axis } = this.context;
    const range = axis.visible();
    // One bucket per CSS pixel of the canvas (not of the plot area, whose width moves with the y labels and would restart decimation).
    const buckets = Math.max(16, Math.round(this.plot.width));
    let points = 0;
    const lines = this.settings.series.map((entry: TimeSeriesConfig, d) => {
      const channel = store.get(entry.channel);
      const values = seriesValues(channel, entry.series);
      const { x, y } =
        channel && values
          ? this.decimator(entry).update(xColumn(channel, axis), values, range.min, range.max, buckets)
          : { x: new Float64Array(0), y: new Float64Array(0) };
      points += x.length;
      return { x, y, colour: entry.colour ?? seriesColour(d), label: seriesLabel(store, entry), right: entry.axis === 'right' };
    });
    this.plot.show({
      lines,
      x: range,
      y: yAxis(this.settings.left),
      y2: lines.some((line) => line.right) ? yAxis(this.settings.right) : undefined,
      axis: { state: axis.state, hover: axis.hover },
    });
    this.pointsShown = points;
    return points > 0;
  }

  private decimator(ref: SeriesRef): BucketDecimator {
    const key = `${seriesKey(ref)} ${this.context.axis.state.mode}`;
    let decimator = this.decimators.get(key);
    if (!decimator) this.decimators.set(key, (decimator = new BucketDecimator()));
    return decimator;
  }

  /** Redraws for a new hover cursor without re-decimating. */
  redrawCursor(): void {
    this.plot.showCursor(this.context.axis.hover);
  }

  report(): PanelReport {
    const { store, axis } = this.context;
    const at = axis.hover ?? axis.visible().max;
    const readout = this.settings.series.map((entry) => {
      const channel = store.get(entry.channel);
      const values = seriesValues(channel, entry.series);
      if (!channel || !values) return `${seriesLabel(store, entry)} —`;
      const i = nearestIndex(xColumn(channel, axis), at);
      return `${seriesLabel(store, entry)} ${i < 0 ? '—' : formatValue(values[i]!)}`;
    });
    return { pointsShown: this.pointsShown, readout, xRange: this.plot.xRange };
  }

  canvas(): HTMLCanvasElement {
    return this.canvasElement;
  }

  dispose(): void {
    this.plot.dispose();
  }

  private scaleControl(side: 'left' | 'right'): HTMLElement {
    const select = h(
      'select',
      { 'data-testid': `scale-${side}`, title: `${side} y axis: autoscale or a fixed range` },
      h('option', { value: 'auto' }, `${side === 'left' ? 'Left' : 'Right'} y: auto`),
      h('option', { value: 'fixed' }, `${side === 'left' ? 'Left' : 'Right'} y: fixed`),
    );
    const min = h('input', {
      type: 'number',
      step: 'any',
      size: '5',
      'aria-label': `${side} y minimum`,
      'data-testid': `scale-${side}-min`,
    });
    const max = h('input', {
      type: 'number',
      step: 'any',
      size: '5',
      'aria-label': `${side} y maximum`,
      'data-testid': `scale-${side}-max`,
    });
    const show = () => {
      const scale = this.settings[side];
      select.value = scale.mode;
      min.hidden = max.hidden = scale.mode === 'auto';
      if (scale.mode === 'fixed') {
        min.value = String(scale.min);
        max.value = String(scale.max);
      }
    };
    const read = () => {
      if (select.value === 'auto') this.setScale(side, { mode: 'auto' });
      else {
        const geometry = this.plot.geometry;
        const axis = side === 'left' ? geometry?.y : geometry?.y2;
        const low = min.value === '' ? (axis?.min ?? 0) : Number(min.value);
        const high = max.value === '' ? (axis?.max ?? 1) : Number(max.value);
        if (high > low) this.setScale(side, { mode: 'fixed', min: low, max: high });
      }
      show();
      this.draw();
    };
    for (const control of [select, min, max]) control.addEventListener('change', read);
    queueMicrotask(show);
    return h('span', { class: 'scale-control' }, select, min, max);
  }

  private attachGestures(): void {
    const { axis } = this.context;
    const canvas = this.canvasElement;
    const xAt = (event: MouseEvent) => this.plot.xAt(event.offsetX);
    canvas.addEventListener(
      'wheel',
      (event) => {
        event.preventDefault();
        axis.zoom(event.deltaY < 0 ? 1 / WHEEL_ZOOM : WHEEL_ZOOM, xAt(event));
      },
      { passive: false },
    );
    let dragFrom: { pixel: number; min: number; max: number } | undefined;
    canvas.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      const { min, max } = axis.visible();
      dragFrom = { pixel: event.offsetX, min, max };
      canvas.setPointerCapture(event.pointerId);
    });
    canvas.addEventListener('pointermove', (event) => {
      if (dragFrom) {
        const area = this.plot.geometry;
        const plotWidth = area ? area.right - area.left : this.plot.width;
        const shift = ((dragFrom.pixel - event.offsetX) / Math.max(1, plotWidth)) * (dragFrom.max - dragFrom.min);
        if (shift !== 0) axis.setRange({ min: dragFrom.min + shift, max: dragFrom.max + shift });
      }
      axis.setHover(xAt(event));
    });
    canvas.addEventListener('pointerup', () => (dragFrom = undefined));
    canvas.addEventListener('pointerleave', () => axis.setHover(undefined));
    canvas.addEventListener('dblclick', () => axis.followLatest());
  }
}

/** A y axis as the plot worker takes it: fixed bounds, or none to autoscale. */
function yAxis(setting: AxisScale): PlotYAxis {
  return setting.mode === 'fixed' ? { min: setting.min, max: setting.max } : {};
}
