import { h, setText } from '../../app/dom.js';
import { THEME } from '../../charts/theme.js';
import { countSpecial } from '../../colour/colourMap.js';
import { type ColourRange, resolveRange, settledRange } from '../../colour/colourRange.js';
import { ScrollingColours } from '../../colour/scrollingColours.js';
import { ColourScaleControl } from '../../colour/colourScaleControl.js';
import type { SeriesRef } from '../channelStore.js';
import { Column } from '../columns.js';
import type { PanelConfigOf } from '../layout.js';
import type { SamplePacket } from '../samplePacket.js';
import { type ExportSeries, type PanelContext, type PanelReport, type WorkspacePanel, visibleSeriesOf } from './panel.js';

const WATERFALL_ROWS = 256;
/** Values the colour range's percentiles are taken from: plenty for a range, cheap enough for every frame. */
const RANGE_SAMPLE = 1 << 12;
/**
 * How often a waterfall takes its colour range again: one new row moves the percentiles of the
 * picture little, and taking them costs a sort (an image from a (k, n) packet takes its own each time).
 */
const WATERFALL_RANGE_MS = 200;

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
  /** Waterfall rows, oldest first, each `width` values, contiguous (drawn flipped: newest on top). */
  private rows = new Column(0);
  private width = 0;
  private pixels?: ImageData;
  /** The canvas's size in CSS pixels, as last observed (reading it while drawing would force a layout). */
  private size = { width: 0, height: 0 };
  private readonly resizeObserver: ResizeObserver;
  private image?: { values: Float64Array; rows: number; columns: number };
  private fresh = false;
  /** The colour range of the picture shown (settled: see `settledRange`); forgotten with the picture and on new settings. */
  private range?: ColourRange;
  private rangeTakenAt = -Infinity;
  /** The waterfall's pixels, coloured row by row as they come. */
  private readonly colours = new ScrollingColours();
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
      this.range = undefined;
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
    this.resizeObserver = new ResizeObserver(([entry]) => {
      if (!entry) return;
      this.size = { width: entry.contentRect.width, height: entry.contentRect.height };
      this.fresh = true;
    });
    this.resizeObserver.observe(this.canvasElement);
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
    const now = performance.now();
    if (!this.range || this.image || now - this.rangeTakenAt >= WATERFALL_RANGE_MS) {
      this.range = settledRange(this.range, resolveRange(values, this.settings.colour.range, RANGE_SAMPLE));
      this.rangeTakenAt = now;
    }
    const range = this.range;
    this.scale.showRange(range, countSpecial(values));
    if (this.picture.width !== columns || this.picture.height !== rows) {
      this.picture.width = columns;
      this.picture.height = rows;
    }
    const context = this.picture.getContext('2d')!;
    if (this.pixels?.width !== columns || this.pixels.height !== rows) {
      this.pixels = context.createImageData(columns, rows);
      this.colours.forget();
    }
    // A (k, n) image is new with each packet: coloured whole.
    if (this.image) this.colours.forget();
    this.colours.colour(values, { map: this.settings.colour.map, range }, this.pixels.data);
    context.putImageData(this.pixels, 0, 0);
    const { width, height } = this.fitCanvas();
    const target = this.target();
    const ratio = devicePixelRatio;
    // The waterfall's rows are kept oldest first: drawn upside down, the newest is on top.
    if (this.image) target.setTransform(ratio, 0, 0, ratio, 0, 0);
    else target.setTransform(ratio, 0, 0, -ratio, 0, height * ratio);
    target.imageSmoothingEnabled = false;
    target.drawImage(this.picture, 0, 0, width, height);
    setText(this.note, this.image ? `${rows} × ${columns} (latest packet)` : `${rows} packets × ${columns}`);
    return true;
  }

  /**
   * The canvas's context, opaque: without a GPU the compositor copies an opaque canvas rather than
   * blending it over the page. The picture covers all of it; a blank one is filled with the background.
   */
  private target(): CanvasRenderingContext2D {
    return this.canvasElement.getContext('2d', { alpha: false })!;
  }

  /** The canvas with the page's pixel ratio, at its observed size. */
  private fitCanvas(): { width: number; height: number } {
    const width = Math.max(1, this.size.width);
    const height = Math.max(1, this.size.height);
    const ratio = devicePixelRatio;
    if (this.canvasElement.width !== Math.round(width * ratio) || this.canvasElement.height !== Math.round(height * ratio)) {
      this.canvasElement.width = Math.round(width * ratio);
      this.canvasElement.height = Math.round(height * ratio);
    }
    return { width, height };
  }

  report(): PanelReport {
    return { pointsShown: (this.image?.values.length ?? 0) + this.rows.length, readout: [this.note.textContent ?? ''] };
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
    this.resizeObserver.disconnect();
  }

  private receive(packet: SamplePacket): void {
    if (packet.channel !== this.settings.channel) return;
    this.fresh = true;
    if (packet.series > 1) {
      this.rows.clear();
      this.image = { values: packet.y, rows: packet.series, columns: packet.y.length / packet.series };
      return;
    }
    this.image = undefined;
    if (packet.n !== this.width) {
      this.width = packet.n;
      this.rows = new Column(WATERFALL_ROWS * this.width);
    }
    this.colours.scrolled(packet.n, this.rows.append(packet.y, 0, packet.n));
  }

  /** Drops the picture: a new channel, or the store started afresh (its packets come again). */
  private forget(): void {
    this.rows.clear();
    this.colours.forget();
    this.range = undefined;
    this.image = undefined;
    this.fresh = true;
  }

  /** Nothing to show (before the channel's first packet in a recording's playback): an empty canvas. */
  private blank(): false {
    this.fitCanvas();
    const target = this.target();
    target.setTransform(1, 0, 0, 1, 0, 0);
    target.fillStyle = THEME.background;
    target.fillRect(0, 0, this.canvasElement.width, this.canvasElement.height);
    this.note.textContent = '';
    return false;
  }

  /** The waterfall's rows as one array, oldest first. */
  private waterfall(): { values: Float64Array; rows: number; columns: number } | undefined {
    if (this.rows.length === 0 || this.width === 0) return undefined;
    return { values: this.rows.view(), rows: this.rows.length / this.width, columns: this.width };
  }
}
