import { type DockviewApi, Orientation, createDockview, themeAbyss } from 'dockview-core';
import { h, setReadout } from '../app/dom.js';
import { fileTimestamp, saveBlob } from '../app/download.js';
import type { ServerConnection } from '../app/serverConnection.js';
import type { WorkspaceStats } from '../app/workspaceStats.js';
import { THEME } from '../charts/theme.js';
import { errorText } from '../data/errorText.js';
import { formatCount } from '../data/format.js';
import { budgetNote } from './budgetNote.js';
import { ChannelStore, type SeriesRef } from './channelStore.js';
import { ChannelFeeds } from './feeds.js';
import {
  LAYOUT_FORMAT,
  PANEL_KINDS,
  PANEL_TITLES,
  type PanelConfig,
  type PanelKind,
  type PanelLayout,
  type WorkspaceLayout,
  panelChannels,
  parseLayout,
  serializeLayout,
} from './layout.js';
import { LayoutStorage } from './layoutStorage.js';
import { PanelHost } from './panelHost.js';
import { plotWorker } from './plots/plotClient.js';
import type { PanelContext } from './panels/panel.js';
import { PlaybackController } from './playback/playbackController.js';
import { RecordControl } from './playback/recordControl.js';
import { ChannelSidebar } from './sidebar.js';
import { sampleRateOf } from './spectrum.js';
import { TimeAxis } from './timeAxis.js';

/** Points kept over all channels and series (16 series × 1 kHz × 60 s is under a million). */
const POINT_BUDGET = 4_000_000;
const REDRAW_LOG = 2_000;
/** History asked of a channel when a panel first shows it, while the window's length in seconds is not known yet (the server's default keep). */
const DEFAULT_LOOKBACK_S = 60;
const STATUS_MS = 250;

/**
 * The live workspace: a channels sidebar, panels in a dock layout sharing one data store and one
 * time axis, and the toolbar that drives both. Draws at most once per animation frame, only when
 * data or the view changed.
 */
export class WorkspaceView {
  private readonly store = new ChannelStore(POINT_BUDGET);
  private readonly axis = new TimeAxis();
  private readonly hosts = new Map<string, PanelHost>();
  private readonly feeds: ChannelFeeds;
  private readonly playback: PlaybackController;
  private readonly recorder: RecordControl;
  private readonly sidebar: ChannelSidebar;
  private readonly storage = new LayoutStorage();
  private readonly dock: DockviewApi;
  private readonly context: PanelContext;
  private readonly plots = plotWorker();
  private active = false;
  private frameRequested = false;
  private drawnVersion = -1;
  private viewChanged = true;
  private hoverChanged = false;
  private framesWithNewData = 0;
  private readonly redrawTimes: number[] = [];
  private restoring = false;
  private nextId = 1;

  private readonly followButton: HTMLButtonElement;
  private readonly pauseButton: HTMLButtonElement;
  private readonly windowInput: HTMLInputElement;
  private readonly windowUnit: HTMLSelectElement;
  private readonly xMode: HTMLSelectElement;
  private readonly timeFormat: HTMLSelectElement;
  private readonly layoutSelect: HTMLSelectElement;
  private readonly layoutName: HTMLInputElement;
  private readonly note: HTMLElement;
  private readonly status: HTMLElement;

  constructor(
    private readonly root: HTMLElement,
    server: ServerConnection,
  ) {
    this.context = { store: this.store, axis: this.axis };
    this.feeds = new ChannelFeeds(
      server,
      this.store,
      () => this.renderStatus(),
      () => this.axis.windowSeconds() ?? DEFAULT_LOOKBACK_S,
    );
    this.playback = new PlaybackController({
      store: this.store,
      axis: this.axis,
      client: () => server.client,
      setLive: (live) => {
        if (live) this.panelsChanged();
        else {
          this.feeds.want([]);
          this.recorder.setEnabled(false);
        }
      },
      request: () => this.request(),
      note: (text) => this.showNote(text),
      opened: (channels) => this.showRecorded(channels),
    });
    this.recorder = new RecordControl(server, {
      channels: () => [...this.channelsOnScreen()],
      finished: (info) =>
        this.showNote(
          `Recorded “${info.name}” (${info.channels.join(', ')}, ${info.duration.toFixed(1)} s): ${info.arrays.length} arrays, in Arrays, where Play opens it here.`,
        ),
      failed: (message) => this.showNote(message),
    });
    this.sidebar = new ChannelSidebar(server, this.store, (ref) => this.addToActive(ref));

    const button = (label: string, testId: string, title: string, action: () => void, className = '') => {
      const element = h('button', { type: 'button', class: className, 'data-testid': testId, title }, label);
      element.addEventListener('click', action);
      return element;
    };
    const kind = h(
      'select',
      { 'data-testid': 'workspace-add-kind', 'aria-label': 'Panel type' },
      ...PANEL_KINDS.map((k) => h('option', { value: k }, PANEL_TITLES[k])),
    );
    this.followButton = button(
      'Follow latest',
      'workspace-follow',
      'Show the newest data (F or End); zoom and pan leave this mode',
      () => this.axis.followLatest(),
      'toggle',
    );
    this.pauseButton = button(
      'Pause',
      'workspace-pause',
      'Freeze every panel; data keep arriving (Space)',
      () => this.axis.setPaused(!this.axis.paused),
      'toggle',
    );
    this.windowInput = h('input', {
      type: 'number',
      min: '0',
      step: 'any',
      size: '5',
      'data-testid': 'workspace-window',
      'aria-label': 'Window length',
    });
    this.windowUnit = h(
      'select',
      { 'data-testid': 'workspace-window-unit', 'aria-label': 'Window unit' },
      h('option', { value: 's' }, 's'),
      h('option', { value: 'pts' }, 'points'),
    );
    this.xMode = h(
      'select',
      { 'data-testid': 'workspace-x-mode', 'aria-label': 'x axis' },
      h('option', { value: 'time' }, 'time'),
      h('option', { value: 'index' }, 'sample #'),
    );
    this.timeFormat = h(
      'select',
      { 'data-testid': 'workspace-time-format', 'aria-label': 'Time format' },
      h('option', { value: 'relative' }, 's from zero'),
      h('option', { value: 'clock' }, 'HH:MM:SS.mmm'),
    );
    this.layoutSelect = h('select', { 'data-testid': 'workspace-layout-select', 'aria-label': 'Named layouts' });
    this.layoutName = h('input', {
      size: '8',
      placeholder: 'layout name',
      'data-testid': 'workspace-layout-name',
      'aria-label': 'Name to save this layout under',
    });
    const importInput = h('input', {
      type: 'file',
      accept: '.json,application/json',
      class: 'visually-hidden',
      'data-testid': 'workspace-layout-import',
    });
    importInput.addEventListener('change', () => void this.importFile(importInput));
    this.note = h('div', { class: 'workspace-note', 'data-testid': 'workspace-note', hidden: '' });
    this.status = h('footer', { class: 'statusline', 'data-testid': 'workspace-status' });

    const toolbar = h(
      'div',
      { class: 'toolbar' },
      kind,
      button('Add panel', 'workspace-add', 'Add a panel of this type', () => this.addPanel(kind.value as PanelKind)),
      h('span', { class: 'separator' }),
      this.recorder.element,
      h('span', { class: 'separator' }),
      this.followButton,
      this.pauseButton,
      h('label', { class: 'field' }, h('span', {}, 'Window'), this.windowInput, this.windowUnit),
      h('label', { class: 'field' }, h('span', {}, 'x'), this.xMode, this.timeFormat),
      button('Zero', 'workspace-zero', 'Make the newest time zero on the relative time axis', () =>
        this.axis.update({ zero: this.axis.latest }),
      ),
      h('span', { class: 'spacer' }),
      this.layoutSelect,
      this.layoutName,
      button('Save', 'workspace-layout-save', 'Save this layout under the name typed', () => this.saveNamed()),
      button('Export', 'workspace-layout-export', 'Save this layout as a JSON file', () => this.exportLayout()),
      h('label', { class: 'button', title: 'Open a layout JSON file' }, 'Import', importInput),
      button('PNG', 'workspace-export-png', 'Save the whole workspace as PNG', () => void this.exportPng()),
    );
    const dockElement = h('div', { class: 'dock', 'data-testid': 'workspace-dock' });
    root.replaceChildren(
      toolbar,
      this.playback.timeline.element,
      this.note,
      h('div', { class: 'workspace-main' }, this.sidebar.element, dockElement),
      this.status,
    );

    this.dock = createDockview(dockElement, {
      theme: themeAbyss,
      createComponent: () =>
        new PanelHost({
          context: this.context,
          register: (host) => {
            this.hosts.set(host.id, host);
            this.panelsChanged();
          },
          unregister: (host) => {
            this.hosts.delete(host.id);
            this.panelsChanged();
          },
          changed: () => this.panelsChanged(),
          seriesFromText: (text) => this.sidebar.pickable.get(text),
        }),
    });
    this.dock.onDidLayoutChange(() => this.autosave());

    this.bindControls();
    this.axis.addEventListener('change', () => {
      this.viewChanged = true;
      this.showAxis();
      this.request();
    });
    this.store.addEventListener('packet', () => this.request());
    this.plots.addEventListener('resize', () => this.redrawWaiting());
    this.sidebar.addEventListener('change', () => this.redrawWaiting());
    document.addEventListener('keydown', (event) => this.key(event));
    setInterval(() => this.renderStatus(), STATUS_MS);
    this.refreshLayoutNames();
    this.restore();
  }

  setActive(active: boolean): void {
    this.active = active;
    this.sidebar.setActive(active);
    if (active) {
      this.viewChanged = true;
      this.request();
    }
  }

  stats(): WorkspaceStats {
    return {
      panels: [...this.hosts.values()].map((host) => {
        const report = host.panel.report();
        return {
          id: host.id,
          kind: host.panel.kind,
          series: host.panel.series().map((s) => `${s.channel}[${s.series}]`),
          pointsShown: report.pointsShown,
          readout: host.element.querySelector('[data-testid="panel-readout"]')?.textContent ?? '',
          waiting: host.element.dataset.waiting === 'true',
          xRange: report.xRange,
        };
      }),
      range: this.axis.visible(),
      follow: this.axis.follow,
      paused: this.axis.paused,
      packets: this.feeds.packets,
      framesWithNewData: this.framesWithNewData,
      redrawTimes: [...this.redrawTimes],
      pointsKept: this.store.pointsKept,
      pointBudget: this.store.pointBudget,
      hover: this.axis.hover,
      playback: this.playback.stats(),
    };
  }

  /** Plays a finished recording in these panels (from Arrays); live data return when it is left. */
  playRecording(id: string): Promise<void> {
    return this.playback.open(id);
  }

  /** The current layout (what autosave, export and named layouts store). */
  layout(): WorkspaceLayout {
    const { mode, format, window } = this.axis.state;
    const dock = this.dock.toJSON();
    const panels = this.dock.panels.map((panel) => this.hosts.get(panel.id)?.layout()).filter((p) => p !== undefined);
    for (const state of Object.values(dock.panels)) delete state.params;
    return { format: LAYOUT_FORMAT, version: 1, axis: { mode, format, window }, panels, dock };
  }

  /** Replaces the workspace with a layout (from storage, a file or the URL); says what it skipped. */
  applyLayout(input: unknown, source: string): void {
    let parsed;
    try {
      parsed = parseLayout(input);
    } catch (error) {
      this.showNote(`${source}: ${errorText(error)}`);
      return;
    }
    const { layout, skipped } = parsed;
    this.restoring = true;
    try {
      this.dock.clear();
      this.axis.update(layout.axis);
      const configs = new Map(layout.panels.map((p) => [p.id, p]));
      if (layout.dock) {
        const dock = structuredClone(layout.dock) as Parameters<DockviewApi['fromJSON']>[0];
        for (const [id, state] of Object.entries(dock.panels)) {
          state.params = { config: configs.get(id)!.config };
          state.title = configs.get(id)!.title;
          state.contentComponent = 'panel';
        }
        this.dock.fromJSON(dock);
      } else {
        this.addGrid(layout.panels);
      }
    } catch (error) {
      skipped.push(`the arrangement could not be restored (${errorText(error)}): panels laid out afresh`);
      this.dock.clear();
      this.addGrid(layout.panels);
    } finally {
      this.restoring = false;
    }
    this.nextId = layout.panels.length + 1;
    this.showNote(skipped.length ? `${source}: loaded ${layout.panels.length} panel(s); skipped ${skipped.join('; ')}` : '');
    this.showAxis();
    this.panelsChanged();
  }

  /** Panels laid out in an even grid, row by row (8 panels: 4 × 2), as dockview's own JSON. */
  private addGrid(panels: readonly PanelLayout[]): void {
    if (panels.length === 0) return;
    const rows = Math.ceil(Math.sqrt(panels.length / 2));
    const columns = Math.ceil(panels.length / rows);
    const width = Math.max(1, this.dock.width);
    const height = Math.max(1, this.dock.height);
    const column = (c: number) => panels.filter((_, i) => i % columns === c);
    this.dock.fromJSON({
      grid: {
        root: {
          type: 'branch',
          size: height,
          data: Array.from({ length: Math.min(columns, panels.length) }, (_, c) => ({
            type: 'branch' as const,
            size: width / columns,
            data: column(c).map((panel, _r, all) => ({
              type: 'leaf' as const,
              size: height / all.length,
              data: { id: `group-${panel.id}`, views: [panel.id], activeView: panel.id },
            })),
          })),
        },
        width,
        height,
        orientation: Orientation.HORIZONTAL,
      },
      panels: Object.fromEntries(
        panels.map((panel) => [
          panel.id,
          { id: panel.id, contentComponent: 'panel', title: panel.title, params: { config: panel.config } },
        ]),
      ),
    });
  }

  private restore(): void {
    const fromUrl = new URLSearchParams(location.search).get('layout');
    if (fromUrl) {
      try {
        this.applyLayout(JSON.parse(fromUrl), 'layout in the URL');
        return;
      } catch (error) {
        this.showNote(`layout in the URL: ${errorText(error)}`);
      }
    }
    const saved = this.storage.autosaved();
    if (saved) this.applyLayout(saved, 'saved workspace');
    else this.showAxis();
  }

  addPanel(kind: PanelKind, config?: PanelConfig): PanelHost | undefined {
    let id = `${kind}-${this.nextId++}`;
    while (this.dock.getPanel(id)) id = `${kind}-${this.nextId++}`;
    this.addDockPanel(
      id,
      PANEL_TITLES[kind],
      config ?? parseLayout({ panels: [{ kind }] }).layout.panels[0]!.config,
      this.dock.panels.length,
    );
    return this.hosts.get(id);
  }

  /**
   * Panels fill a grid row by row: each right of the one before, and the first of a row below the
   * first of the row above. Layouts without an arrangement get as many columns as suit their count
   * (8 panels: 4 × 2); panels added one by one go two to a row.
   */
  private addDockPanel(id: string, title: string, config: PanelConfig, position: number, columns = 2): void {
    const panels = this.dock.panels;
    const column = position % columns;
    const reference = column === 0 ? panels[position - columns] : panels[position - 1];
    this.dock.addPanel({
      id,
      title,
      component: 'panel',
      params: { config },
      position: reference ? { referencePanel: reference, direction: column === 0 ? 'below' : 'right' } : undefined,
    });
  }

  /** A recording opened while no panel shows any of its channels: a time plot of all their series. */
  private showRecorded(channels: ReadonlyMap<string, number>): void {
    const onScreen = this.channelsOnScreen();
    if ([...channels.keys()].some((channel) => onScreen.has(channel))) return;
    const series = [...channels].flatMap(([channel, count]) => Array.from({ length: count }, (_, s) => ({ channel, series: s })));
    this.addPanel('time', parseLayout({ panels: [{ kind: 'time', series }] }).layout.panels[0]!.config);
  }

  private addToActive(ref: SeriesRef): void {
    const active = this.dock.activePanel && this.hosts.get(this.dock.activePanel.id);
    (active ?? this.addPanel('time'))?.add(ref);
  }

  private channelsOnScreen(): Set<string> {
    const channels = new Set<string>();
    for (const host of this.hosts.values()) for (const channel of panelChannels(host.panel.config())) channels.add(channel);
    return channels;
  }

  private panelsChanged(): void {
    const channels = this.channelsOnScreen();
    // During a playback the store is the recording's.
    if (!this.playback.active) this.feeds.want(channels);
    this.recorder.setEnabled(channels.size > 0 && !this.playback.active);
    this.viewChanged = true;
    this.request();
    this.autosave();
  }

  private autosave(): void {
    if (!this.restoring) this.storage.autosave(this.layout());
  }

  private request(): void {
    if (this.frameRequested || !this.active) return;
    this.frameRequested = true;
    requestAnimationFrame(() => this.frame());
  }

  private frame(): void {
    this.frameRequested = false;
    if (this.root.hidden) return;
    // One frame at a time in the plot worker: newer data wait for it rather than queue up behind it.
    if (this.plots.busy) {
      this.plots.whenIdle(() => this.request());
      return;
    }
    // A playback moves the time axis with its timeline, between packets too.
    if (this.playback.frame()) this.viewChanged = true;
    // While paused, new data change nothing shown: no redraw (the counters still count).
    const dataChanged = this.store.version !== this.drawnVersion && !this.axis.paused;
    if (!dataChanged && !this.viewChanged) {
      if (this.hoverChanged) for (const host of this.hosts.values()) host.showHover();
      this.hoverChanged = false;
      this.plots.flush(() => undefined);
      return;
    }
    if (dataChanged || this.playback.active) this.advanceAxis();
    this.drawnVersion = this.store.version;
    this.viewChanged = this.hoverChanged = false;
    let newData = false;
    for (const host of this.hosts.values()) newData = host.draw(dataChanged) || newData;
    // A redraw is complete when the plot worker has drawn it too; one that completes after a pause showed no new data since.
    const counted = newData && dataChanged;
    this.plots.flush(() => {
      if (counted && !this.axis.paused) this.countRedraw();
    });
  }

  private countRedraw(): void {
    this.framesWithNewData++;
    this.redrawTimes.push(performance.now());
    if (this.redrawTimes.length > REDRAW_LOG) this.redrawTimes.shift();
  }

  /** The newest x over all channels, or the playback's time (and the fastest rate, for windows in points). */
  private advanceAxis(): void {
    let newest = -Infinity;
    let rate = 0;
    for (const channel of this.store.all()) {
      const x = this.axis.state.mode === 'time' ? channel.t.view() : channel.index.view();
      if (x.length) newest = Math.max(newest, x[x.length - 1]!);
      const channelRate = sampleRateOf(channel.t.view().subarray(-1024));
      if (channelRate > rate) rate = channelRate;
    }
    const playhead = this.playback.time;
    if (playhead !== undefined && this.axis.state.mode === 'time') newest = playhead;
    this.axis.advance(newest, rate);
  }

  private redrawWaiting(): void {
    this.viewChanged = true;
    this.request();
  }

  private bindControls(): void {
    const readWindow = () => {
      const size = Number(this.windowInput.value);
      if (size > 0) this.axis.update({ window: { size, unit: this.windowUnit.value === 'pts' ? 'pts' : 's' } });
      this.autosave();
    };
    this.windowInput.addEventListener('change', readWindow);
    this.windowUnit.addEventListener('change', readWindow);
    this.xMode.addEventListener('change', () => {
      this.axis.update({ mode: this.xMode.value === 'index' ? 'index' : 'time' });
      this.drawnVersion = -1;
      this.autosave();
    });
    this.timeFormat.addEventListener('change', () => {
      this.axis.update({ format: this.timeFormat.value === 'clock' ? 'clock' : 'relative' });
      this.autosave();
    });
    this.layoutSelect.addEventListener('change', () => {
      const name = this.layoutSelect.value;
      if (name) this.applyLayout(this.storage.load(name), `layout “${name}”`);
      this.layoutSelect.value = '';
    });
    this.axis.addEventListener('hover', () => {
      this.hoverChanged = true;
      this.request();
    });
  }

  private showAxis(): void {
    const { window, mode, format } = this.axis.state;
    this.windowInput.value = String(window.size);
    this.windowUnit.value = window.unit;
    this.xMode.value = mode;
    this.timeFormat.value = format;
    this.timeFormat.disabled = mode !== 'time';
    this.followButton.setAttribute('aria-pressed', String(this.axis.follow));
    this.pauseButton.setAttribute('aria-pressed', String(this.axis.paused));
    // In a playback the timeline's Play/Pause (and Space) drive the view.
    this.pauseButton.disabled = this.playback.active;
    this.root.dataset.playback = String(this.playback.active);
    this.pauseButton.textContent = this.axis.paused ? 'Resume' : 'Pause';
    this.root.dataset.follow = String(this.axis.follow);
    this.root.dataset.paused = String(this.axis.paused);
  }

  /** Space pauses (plays or pauses a recording); arrows pan; + and - zoom; F or End follows the newest data. Not while typing. */
  private key(event: KeyboardEvent): void {
    if (!this.active || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target as HTMLElement | null;
    // Space means nothing to a slider (the timeline's, after scrubbing): it plays or pauses there too.
    const spaceOnSlider = event.key === ' ' && target instanceof HTMLInputElement && target.type === 'range';
    if (!spaceOnSlider && target && (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON'].includes(target.tagName)))
      return;
    const actions: Record<string, () => void> = {
      ' ': () => (this.playback.active ? this.playback.toggle() : this.axis.setPaused(!this.axis.paused)),
      ArrowLeft: () => this.axis.pan(-0.1),
      ArrowRight: () => this.axis.pan(0.1),
      '+': () => this.axis.zoom(0.8),
      '=': () => this.axis.zoom(0.8),
      '-': () => this.axis.zoom(1.25),
      f: () => this.axis.followLatest(),
      End: () => this.axis.followLatest(),
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  }

  private renderStatus(): void {
    if (!this.active) return;
    const states = this.feeds.states();
    const items: (HTMLElement | string)[] = [];
    for (const [channel, state] of states) {
      const open = state.state === 'open';
      items.push(
        h(
          'span',
          {
            class: 'status-item',
            'data-testid': 'feed-state',
            'data-channel': channel,
            'data-value': state.state,
            title: state.error || state.state,
          },
          h('span', { class: `conn-dot ${open ? 'ok' : state.state === 'connecting' ? 'wait' : 'bad'}` }),
          ` ${channel}${state.dropped ? ` (${state.dropped} dropped)` : ''}`,
        ),
      );
    }
    if (this.playback.active) items.push(h('span', { class: 'status-item badge' }, 'playing a recording: live data resume on leaving it'));
    const packets = h('b', { 'data-testid': 'workspace-packets' });
    setReadout(packets, formatCount(this.feeds.packets), this.feeds.packets);
    items.push(h('span', { class: 'status-item' }, 'packets ', packets));
    items.push(
      h('span', { class: 'status-item' }, `points ${formatCount(this.store.pointsKept)} / ${formatCount(this.store.pointBudget)}`),
    );
    const trimmed = budgetNote(this.store, this.axis.state.mode, this.axis.visible().min);
    if (trimmed) items.push(h('span', { class: 'status-item badge warn', 'data-testid': 'workspace-trim-note' }, trimmed));
    if (this.axis.paused) items.push(h('span', { class: 'status-item badge', 'data-testid': 'workspace-paused' }, 'paused'));
    this.status.replaceChildren(...items);
  }

  private showNote(text: string): void {
    this.note.textContent = text;
    this.note.hidden = !text;
  }

  private refreshLayoutNames(): void {
    this.layoutSelect.replaceChildren(
      h('option', { value: '' }, 'Layouts…'),
      ...this.storage.names().map((name) => h('option', { value: name }, name)),
    );
  }

  private saveNamed(): void {
    const name = this.layoutName.value.trim();
    if (!name) {
      this.layoutName.focus();
      return;
    }
    this.storage.save(name, this.layout());
    this.refreshLayoutNames();
  }

  private exportLayout(): void {
    saveBlob(new Blob([serializeLayout(this.layout())], { type: 'application/json' }), `workspace-${fileTimestamp()}.json`);
  }

  private async importFile(input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    try {
      this.applyLayout(JSON.parse(await file.text()), file.name);
    } catch (error) {
      this.showNote(`${file.name}: ${errorText(error)}`);
    }
  }

  /** Every panel's canvas where it sits on the page, on the theme's background. */
  private async exportPng(): Promise<void> {
    const dock = this.root.querySelector<HTMLElement>('.dock')!.getBoundingClientRect();
    const ratio = devicePixelRatio;
    const out = document.createElement('canvas');
    out.width = Math.round(dock.width * ratio);
    out.height = Math.round(dock.height * ratio);
    const context = out.getContext('2d')!;
    context.fillStyle = THEME.background;
    context.fillRect(0, 0, out.width, out.height);
    for (const host of this.hosts.values()) {
      const canvas = host.panel.canvas();
      const box = (canvas.isConnected ? canvas : host.element).getBoundingClientRect();
      if (box.width && box.height)
        context.drawImage(canvas, (box.left - dock.left) * ratio, (box.top - dock.top) * ratio, box.width * ratio, box.height * ratio);
    }
    const blob = await new Promise<Blob | null>((resolve) => out.toBlob(resolve, 'image/png'));
    if (blob) saveBlob(blob, `workspace-${fileTimestamp()}.png`);
  }
}
