import type { GroupPanelPartInitParameters, IContentRenderer } from 'dockview-core';
import { h, setText } from '../app/dom.js';
import { fileTimestamp, saveBlob } from '../app/download.js';
import { seriesColour } from '../charts/theme.js';
import type { SeriesRef } from './channelStore.js';
import { seriesCsv, seriesNpy } from './exportSeries.js';
import type { PanelConfig, PanelLayout } from './layout.js';
import { createPanel } from './panels/createPanel.js';
import { type PanelContext, type WorkspacePanel, seriesLabel } from './panels/panel.js';
import { TimePlotPanel } from './panels/timePlot.js';

/**
 * How often a panel's readout of the newest values is rewritten while data stream in: numbers that change every frame
 * cannot be read, and rewriting them costs each frame a text layout. Hover moves rewrite it at once.
 */
const LIVE_READOUT_MS = 200;

/** The drag type of a series dragged from the channels sidebar. */
export const SERIES_DRAG_TYPE = 'application/x-npy-series';

/** What the workspace gives each panel host. */
export interface PanelHostServices {
  context: PanelContext;
  register(host: PanelHost): void;
  unregister(host: PanelHost): void;
  /** A panel's settings changed: save the layout and (re)subscribe to its channels. */
  changed(): void;
  /** The series a picker entry names (`channel[s]`), if any. */
  seriesFromText(text: string): SeriesRef | undefined;
}

/**
 * A panel in the dock: a header with its series (colour, axis, remove), a keyboard picker and
 * exports, above the panel module's own content. Series dropped from the sidebar land here.
 */
export class PanelHost implements IContentRenderer {
  readonly element: HTMLElement;
  panel!: WorkspacePanel;
  id = '';
  private readonly chips: HTMLElement;
  private readonly waiting: HTMLElement;
  private readonly readout: HTMLElement;
  private params!: GroupPanelPartInitParameters;
  private chipLabels = '';
  private readoutWrittenAt = -Infinity;
  private readoutTimer?: ReturnType<typeof setTimeout>;

  constructor(private readonly services: PanelHostServices) {
    this.chips = h('div', { class: 'chips', 'data-testid': 'panel-series' });
    this.waiting = h('div', { class: 'waiting muted', 'data-testid': 'panel-waiting', hidden: '' });
    this.readout = h('div', { class: 'readout mono', 'data-testid': 'panel-readout' });
    this.element = h('section', { class: 'workspace-panel', 'data-testid': 'workspace-panel' });
    this.element.addEventListener('dragover', (event) => {
      if (!event.dataTransfer?.types.includes(SERIES_DRAG_TYPE)) return;
      event.preventDefault();
      event.stopPropagation();
      event.dataTransfer.dropEffect = 'copy';
      this.element.classList.add('drop-target');
    });
    this.element.addEventListener('dragleave', () => this.element.classList.remove('drop-target'));
    this.element.addEventListener('drop', (event) => {
      const text = event.dataTransfer?.getData(SERIES_DRAG_TYPE);
      this.element.classList.remove('drop-target');
      if (!text) return;
      event.preventDefault();
      event.stopPropagation();
      this.add(JSON.parse(text) as SeriesRef);
    });
  }

  init(params: GroupPanelPartInitParameters): void {
    this.params = params;
    this.id = params.api.id;
    const { config } = params.params as { config: PanelConfig };
    this.panel = createPanel(this.services.context, config);
    this.element.dataset.kind = config.kind;
    this.element.dataset.panelId = this.id;
    this.element.replaceChildren(this.header(), this.waiting, this.panel.element, this.readout);
    this.renderChips();
    this.services.register(this);
  }

  layout(): PanelLayout {
    return { id: this.id, title: this.params.api.title ?? this.id, config: this.panel.config() };
  }

  add(ref: SeriesRef): void {
    this.panel.addSeries(ref);
    this.settingsChanged();
  }

  /** Draws the panel and its readout; returns whether it showed new data. */
  draw(dataChanged: boolean): boolean {
    const store = this.services.context.store;
    const missing = [...new Set(this.panel.series().map((s) => s.channel))].filter((channel) => !store.get(channel)?.length);
    // Every frame: write only what changed, so an unchanged panel is not styled or laid out again.
    if (this.waiting.hidden !== (missing.length === 0)) this.waiting.hidden = missing.length === 0;
    setText(this.waiting, missing.length ? `waiting for ${missing.join(', ')}` : '');
    if (this.element.dataset.waiting !== String(missing.length > 0)) this.element.dataset.waiting = String(missing.length > 0);
    // Labels change when a channel first arrives with its series count, names and units.
    const labels = this.panel
      .series()
      .map((ref) => seriesLabel(store, ref))
      .join('|');
    if (labels !== this.chipLabels) this.renderChips();
    const drew = this.panel.draw(dataChanged);
    this.writeReadoutSoon();
    return drew;
  }

  /** Writes the readout now if it was last written `LIVE_READOUT_MS` ago, else once that time has passed. */
  private writeReadoutSoon(): void {
    const wait = this.readoutWrittenAt + LIVE_READOUT_MS - performance.now();
    if (wait <= 0) this.writeReadout();
    else this.readoutTimer ??= setTimeout(() => this.writeReadout(), wait);
  }

  private writeReadout(): void {
    clearTimeout(this.readoutTimer);
    this.readoutTimer = undefined;
    this.readoutWrittenAt = performance.now();
    setText(this.readout, this.readoutText());
  }

  /** The hover cursor moved: time plots redraw their cursor line, every panel its readout. */
  showHover(): void {
    if (this.panel instanceof TimePlotPanel) this.panel.redrawCursor();
    this.writeReadout();
  }

  dispose(): void {
    clearTimeout(this.readoutTimer);
    this.panel.dispose();
    this.services.unregister(this);
  }

  private readoutText(): string {
    const axis = this.services.context.axis;
    const { readout } = this.panel.report();
    const at = axis.hover ?? axis.visible().max;
    const isTimePanel = this.panel.kind === 'time' || this.panel.kind === 'value' || this.panel.kind === 'stats';
    return [isTimePanel && readout.length ? axis.format(at) : '', ...readout].filter(Boolean).join('   ');
  }

  private settingsChanged(): void {
    this.renderChips();
    this.services.changed();
    this.draw(true);
  }

  private header(): HTMLElement {
    const picker = h('input', {
      class: 'picker',
      list: 'workspace-series-options',
      placeholder: '+ series',
      spellcheck: 'false',
      'data-testid': 'panel-picker',
      'aria-label': 'Add a series (type to search, Enter to add)',
    });
    picker.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter') return;
      const ref = this.services.seriesFromText(picker.value.trim());
      if (ref) {
        this.add(ref);
        picker.value = '';
      } else {
        picker.setCustomValidity('no such series');
        picker.reportValidity();
      }
    });
    picker.addEventListener('input', () => picker.setCustomValidity(''));
    const button = (label: string, testId: string, title: string, action: () => void) => {
      const element = h('button', { type: 'button', class: 'small', 'data-testid': testId, title }, label);
      element.addEventListener('click', action);
      return element;
    };
    return h(
      'header',
      { class: 'panel-header' },
      this.chips,
      picker,
      h(
        'span',
        { class: 'panel-actions' },
        button('PNG', 'panel-export-png', 'Save this panel as PNG', () => this.exportPng()),
        button('CSV', 'panel-export-csv', 'Save the visible range of its series as CSV', () => this.exportData('csv')),
        button('.npy', 'panel-export-npy', 'Save the visible range of its series as .npy (N × 4: series, time, index, value)', () =>
          this.exportData('npy'),
        ),
        button('⤢', 'panel-maximize', 'Maximize or restore this panel', () => {
          if (this.params.api.isMaximized()) this.params.api.exitMaximized();
          else this.params.api.maximize();
        }),
      ),
    );
  }

  private renderChips(): void {
    const store = this.services.context.store;
    const panel = this.panel;
    this.chipLabels = panel
      .series()
      .map((ref) => seriesLabel(store, ref))
      .join('|');
    const chips = panel.series().map((ref, position) => {
      const label = seriesLabel(store, ref);
      const chip = h('span', { class: 'chip', 'data-testid': 'series-chip', 'data-series': `${ref.channel}[${ref.series}]` });
      if (panel instanceof TimePlotPanel) {
        const entry = panel.config().series[position]!;
        const colour = h('input', {
          type: 'color',
          class: 'swatch-input',
          value: entry.colour ?? seriesColour(position),
          'aria-label': `Colour of ${label}`,
        });
        colour.addEventListener('change', () => {
          panel.setColour(position, colour.value);
          this.settingsChanged();
        });
        const side = h(
          'button',
          { type: 'button', class: 'axis-toggle', 'data-testid': 'series-axis', title: 'Left or right y axis' },
          entry.axis === 'right' ? 'R' : 'L',
        );
        side.addEventListener('click', () => {
          panel.toggleAxis(position);
          this.settingsChanged();
        });
        chip.append(colour, side);
        chip.dataset.axis = entry.axis;
      }
      const remove = h('button', { type: 'button', class: 'chip-remove', title: `Remove ${label}`, 'aria-label': `Remove ${label}` }, '×');
      remove.addEventListener('click', () => {
        panel.removeSeries(position);
        this.settingsChanged();
      });
      chip.append(h('span', {}, label), remove);
      return chip;
    });
    this.chips.replaceChildren(...chips);
    if (chips.length === 0) this.chips.append(h('span', { class: 'muted small' }, 'drag series here or type one →'));
  }

  private exportPng(): void {
    this.panel.canvas().toBlob((blob) => blob && saveBlob(blob, `${this.id}-${fileTimestamp()}.png`), 'image/png');
  }

  private exportData(format: 'csv' | 'npy'): void {
    const series = this.panel.visibleSeries();
    const blob =
      format === 'csv'
        ? new Blob([seriesCsv(series)], { type: 'text/csv' })
        : new Blob([seriesNpy(series) as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
    saveBlob(blob, `${this.id}-${fileTimestamp()}.${format}`);
  }
}
