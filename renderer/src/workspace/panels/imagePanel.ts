import { h } from '../../app/dom.js';
import { colourize, countSpecial } from '../../colour/colourMap.js';
import { resolveRange } from '../../colour/colourRange.js';
import { ColourScaleControl } from '../../colour/colourScaleControl.js';
import type { SeriesRef } from '../channelStore.js';
import type { PanelConfigOf } from '../layout.js';
import type { SamplePacket } from '../samplePacket.js';
import { type ExportSeries, type PanelContext, type PanelReport, type WorkspacePanel, fitCanvas, visibleSeriesOf } from './panel.js';

const WATERFALL_ROWS = 256;

/**
 * A channel as a picture: packets of shape (k, n) as an image of the latest packet (a camera, a
 * detector, one spectrum per row); packets of shape (n,) as a waterfall, one row per packet,
 * newest on top. Colours come from the shared colour-scale component.
 */
export class ImagePanel implements WorkspacePanel<'image'> {
  readonly kind = 'image';
  readonly element: HTMLElement;
  private readonly canvasElement: HTMLCanvasElement;
  private readonly picture = document.createElement('canvas');
  private readonly scale: ColourScaleControl;
  private readonly note: HTMLElement;
  private settings: PanelConfigOf<'image'>;
  /** Waterfall rows, newest last, each `width` values. */
  private rows: Float64Array[] = [];
  private width = 0;
  private image?: { values: Float64Array; rows: number; columns: number };
  private fresh = false;
  private readonly onPacket = (event: Event) => this.receive((event as CustomEvent<SamplePacket>).detail);
  private readonly onReset = () => this.forget();

  constructor(
    private readonly context: PanelContext,
    config: PanelConfigOf<'image'>,
  ) {
    this.settings = config;
    this.canvasElement = h('canvas', { 'data-testid': 'panel-canvas', role: 'img', 'aria-label': 'Image or waterfall' });
    this.scale = new ColourScaleControl(config.colour);
    this.scale.addEventListener('change', () => {
      this.settings = { ...this.settings, colour: this.scale.value };
      this.fresh = true;
      this.draw();
    });
    this.note = h('span', { class: 'muted small', 'data-testid': 'image-note' });
    this.element = h(
      'div',
      { class: 'panel-body image-panel' },
      h('div', { class: 'panel-options' }, this.scale.element, this.note),
      h('div', { class: 'plot-box' }, this.canvasElement),
    );
    context.store.addEventListener('packet', this.onPacket);
    context.store.addEventListener('reset', this.onReset);
    const latest = config.channel ? context.store.get(config.channel)?.latest : undefined;
    if (latest) this.receive(latest);
  }

  config(): PanelConfigOf<'image'> {
    return this.settings;
  }

  series(): SeriesRef[] {
    return this.settings.channel ? [{ channel: this.settings.channel, series: this.settings.series }] : [];
  }

  addSeries(ref: SeriesRef): void {
    this.settings = { ...this.settings, channel: ref.channel, series: ref.series };
    this.forget();
  }

  removeSeries(): void {
    this.settings = { ...this.settings, channel: undefined };
    this.forget();
  }

  draw(): boolean {
    if (!this.fresh || this.context.axis.paused) return false;
    this.fresh = false;
    const picture = this.image ?? this.waterfall();
    if (!picture) return this.blank();
    const { values, rows, columns } = picture;
    const range = resolveRange(values, this.settings.colour.range);
    this.scale.showRange(range, countSpecial(values));
    if (this.picture.width !== columns || this.picture.height !== rows) {
      this.picture.width = columns;
      this.picture.height = rows;
    }
    const context = this.picture.getContext('2d')!;
    const pixels = context.createImageData(columns, rows);
    colourize(values, { map: this.settings.colour.map, range }, pixels.data);
    context.putImageData(pixels, 0, 0);
    const { width, height } = fitCanvas(this.canvasElement);
    const target = this.canvasElement.getContext('2d')!;
    target.setTransform(devicePixelRatio, 0, 0, devicePixelRatio, 0, 0);
    target.imageSmoothingEnabled = false;
    target.clearRect(0, 0, width, height);
    target.drawImage(this.picture, 0, 0, width, height);
    this.note.textContent = this.image ? `${rows} × ${columns} (latest packet)` : `${rows} packets × ${columns}`;
    return true;
  }

  report(): PanelReport {
    return { pointsShown: (this.image?.values.length ?? 0) + this.rows.length * this.width, readout: [this.note.textContent ?? ''] };
  }

  visibleSeries(): ExportSeries[] {
    return visibleSeriesOf(this.context, this.series());
  }

  canvas(): HTMLCanvasElement {
    return this.canvasElement;
  }

  dispose(): void {
    this.context.store.removeEventListener('packet', this.onPacket);
    this.context.store.removeEventListener('reset', this.onReset);
  }

  private receive(packet: SamplePacket): void {
    if (packet.channel !== this.settings.channel) return;
    this.fresh = true;
    if (packet.series > 1) {
      this.rows = [];
      this.image = { values: packet.y, rows: packet.series, columns: packet.y.length / packet.series };
      return;
    }
    this.image = undefined;
    if (packet.n !== this.width) {
      this.rows = [];
      this.width = packet.n;
    }
    this.rows.push(packet.y.slice(0, packet.n));
    if (this.rows.length > WATERFALL_ROWS) this.rows.shift();
  }

  /** Drops the picture: a new channel, or the store started afresh (its packets come again). */
  private forget(): void {
    this.rows = [];
    this.image = undefined;
    this.fresh = true;
  }

  /** Nothing to show (before the channel's first packet in a recording's playback): an empty canvas. */
  private blank(): false {
    const { width, height } = fitCanvas(this.canvasElement);
    this.canvasElement.getContext('2d')!.clearRect(0, 0, width * devicePixelRatio, height * devicePixelRatio);
    this.note.textContent = '';
    return false;
  }

  /** The waterfall's rows as one array, newest on top. */
  private waterfall(): { values: Float64Array; rows: number; columns: number } | undefined {
    if (this.rows.length === 0) return undefined;
    const values = new Float64Array(this.rows.length * this.width);
    this.rows.forEach((row, r) => values.set(row, (this.rows.length - 1 - r) * this.width));
    return { values, rows: this.rows.length, columns: this.width };
  }
}
