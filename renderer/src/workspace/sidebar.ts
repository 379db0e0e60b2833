import type { StreamsFeed } from '../../../client/index.js';
import type { ChannelSummary } from '../../../common/protocol.js';
import { h } from '../app/dom.js';
import type { ServerConnection } from '../app/serverConnection.js';
import { THEME } from '../charts/theme.js';
import { formatShape } from '../data/format.js';
import type { ChannelStore, SeriesRef } from './channelStore.js';
import { SERIES_DRAG_TYPE } from './panelHost.js';

/** A channel as the server's `/ws/streams` push lists it; the sparkline may be empty (no packet yet). */
type ListedChannel = ChannelSummary;

const SPARK_POINTS = 64;

/**
 * Every channel on the server with its dtype, shape, rate, producers and subscribers and a
 * sparkline; each expands into its series (with the producer's names and units), which drag onto
 * panels. Also fills the panels' series picker. The list is the server's `/ws/streams` push (no
 * polling); while that socket is down, the error line says so and the feed reconnects.
 */
export class ChannelSidebar extends EventTarget {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly error: HTMLElement;
  private readonly options: HTMLDataListElement;
  private readonly expanded = new Set<string>();
  private readonly items = new Map<string, { element: HTMLElement; signature: string }>();
  private feed?: StreamsFeed;
  private active = false;
  /** Bumped by every (re)subscription: a closed feed's late callbacks, and callbacks made before `watchStreams` returns, are told apart by it. */
  private generation = 0;
  channels: ListedChannel[] = [];
  /** `channel[s]` → the series, for the picker. */
  readonly pickable = new Map<string, SeriesRef>();

  constructor(
    private readonly server: ServerConnection,
    private readonly store: ChannelStore,
    /** Adds a series to the active panel (Enter or double-click on it). */
    private readonly addToActive: (ref: SeriesRef) => void,
  ) {
    super();
    this.list = h('ul', { class: 'channel-list', 'data-testid': 'channel-list' });
    this.error = h('div', { class: 'error-text small', 'data-testid': 'channel-list-error', hidden: '' });
    this.options = h('datalist', { id: 'workspace-series-options', 'data-testid': 'workspace-series-options' });
    this.element = h(
      'aside',
      { class: 'channels', 'aria-label': 'Channels' },
      h('h2', {}, 'Channels'),
      this.error,
      this.list,
      this.options,
    );
    server.addEventListener('change', () => this.watch());
  }

  setActive(active: boolean): void {
    if (active === this.active) return;
    this.active = active;
    this.watch();
  }

  /** (Re)subscribes to the current server's channel list while the workspace is shown. */
  private watch(): void {
    const previous = this.feed;
    this.feed = undefined;
    previous?.close();
    const generation = ++this.generation;
    const current = () => generation === this.generation;
    if (!this.active) return;
    // The feed may call back before watchStreams returns: the callbacks use nothing assigned from its result.
    const feed = this.server.client.watchStreams({
      onStreams: (streams) => {
        if (!current()) return;
        this.channels = streams;
        this.showError('');
        this.render();
        this.dispatchEvent(new Event('change'));
      },
      onError: (detail) => {
        if (current()) this.showError(detail);
      },
      onConnection: (state, { reason }) => {
        if (current() && state === 'closed') this.showError(`Cannot reach the server${reason ? `: ${reason}` : ''}; retrying.`);
      },
    });
    if (current()) this.feed = feed;
    else feed.close();
  }

  private showError(text: string): void {
    this.error.textContent = text;
    this.error.hidden = !text;
  }

  private seriesOf(channel: ListedChannel): { ref: SeriesRef; name: string; unit: string }[] {
    const buffer = this.store.get(channel.name);
    const count = buffer?.seriesCount || (channel.shape?.length === 2 ? channel.shape[0]! : channel.shape ? 1 : 0);
    return Array.from({ length: count }, (_, series) => ({
      ref: { channel: channel.name, series },
      name: buffer?.names[series] || channel.names?.[series] || (count > 1 ? `y[${series}]` : 'y'),
      unit: buffer?.units[series] ?? (channel.units?.length === 1 ? channel.units[0]! : (channel.units?.[series] ?? '')),
    }));
  }

  private render(): void {
    this.pickable.clear();
    const options: HTMLOptionElement[] = [];
    const items = this.channels.map((channel) => {
      const series = this.seriesOf(channel);
      for (const { ref, name, unit } of series) {
        const key = `${ref.channel}[${ref.series}]`;
        this.pickable.set(key, ref);
        options.push(h('option', { value: key, label: `${channel.name}.${name}${unit ? ` [${unit}]` : ''}` }));
      }
      const facts = channel.shape
        ? `${formatShape(channel.shape)} ${channel.dtype} · ${channel.rate.toFixed(0)}/s · ${channel.publishers}↑ ${channel.subscribers}↓`
        : `no data yet · ${channel.publishers}↑ ${channel.subscribers}↓`;
      // Rebuilt only when what it lists changes: an item being dragged must stay in the page.
      const signature = JSON.stringify([this.expanded.has(channel.name), series]);
      let item = this.items.get(channel.name);
      if (!item || item.signature !== signature) {
        item = { element: this.channelItem(channel, series), signature };
        this.items.set(channel.name, item);
      }
      item.element.querySelector('.channel-facts')!.textContent = facts;
      item.element.querySelector('.dot')!.classList.toggle('on', channel.streaming);
      item.element.querySelector('.sparkline')!.replaceWith(this.sparkline(channel));
      return item.element;
    });
    for (const name of this.items.keys()) if (!this.channels.some((c) => c.name === name)) this.items.delete(name);
    if (items.length === 0) items.push(h('li', { class: 'muted small' }, 'No channels yet: publish to /ws/publish?channel=NAME.'));
    if (items.some((item, i) => this.list.children[i] !== item) || this.list.children.length !== items.length)
      this.list.replaceChildren(...items);
    this.options.replaceChildren(...options);
  }

  private channelItem(channel: ListedChannel, series: { ref: SeriesRef; name: string; unit: string }[]): HTMLElement {
    const open = this.expanded.has(channel.name);
    const toggle = h(
      'button',
      { type: 'button', class: 'disclosure', 'aria-expanded': String(open), 'aria-label': `Series of ${channel.name}` },
      open ? '▾' : '▸',
    );
    toggle.addEventListener('click', () => {
      if (this.expanded.has(channel.name)) this.expanded.delete(channel.name);
      else this.expanded.add(channel.name);
      this.render();
    });
    const row = h(
      'div',
      { class: 'channel-row' },
      toggle,
      h('span', { class: 'dot' }),
      h('span', { class: 'channel-name', 'data-testid': 'channel-name' }, channel.name),
      h('canvas', { class: 'sparkline' }),
    );
    const seriesList = open
      ? h(
          'ul',
          { class: 'series-list' },
          ...series.map(({ ref, name, unit }) => {
            const item = h(
              'li',
              {
                class: 'series-item',
                draggable: 'true',
                tabindex: '0',
                'data-testid': 'series-item',
                'data-series': `${ref.channel}[${ref.series}]`,
                title: 'Drag onto a panel, or Enter to add to the active panel',
              },
              name,
              unit ? h('span', { class: 'muted' }, ` [${unit}]`) : '',
            );
            item.addEventListener('dragstart', (event) => {
              event.dataTransfer!.setData(SERIES_DRAG_TYPE, JSON.stringify(ref));
              event.dataTransfer!.effectAllowed = 'copy';
            });
            item.addEventListener('keydown', (event) => event.key === 'Enter' && this.addToActive(ref));
            item.addEventListener('dblclick', () => this.addToActive(ref));
            return item;
          }),
        )
      : '';
    return h(
      'li',
      { class: 'channel', 'data-testid': 'channel', 'data-channel': channel.name },
      row,
      h('div', { class: 'channel-facts muted small mono' }),
      seriesList,
    );
  }

  /** The server's sparkline when it sends one, else the newest values of series 0 if the workspace holds the channel. */
  private sparkline(channel: ListedChannel): HTMLCanvasElement {
    const canvas = h('canvas', { class: 'sparkline', width: '64', height: '16', 'aria-hidden': 'true' });
    const values =
      channel.sparkline.length > 0
        ? channel.sparkline.map((v) => v ?? NaN)
        : Array.from(this.store.get(channel.name)?.values[0]?.view().slice(-SPARK_POINTS) ?? []);
    const finite = values.filter(Number.isFinite);
    if (finite.length < 2) return canvas;
    const min = Math.min(...finite);
    const max = Math.max(...finite);
    const context = canvas.getContext('2d')!;
    context.strokeStyle = THEME.accent;
    context.beginPath();
    values.forEach((value, i) => {
      if (!Number.isFinite(value)) return;
      const x = (i / (values.length - 1)) * 63;
      const y = 15 - (max > min ? ((value - min) / (max - min)) * 14 : 7);
      if (i === 0) context.moveTo(x, y);
      else context.lineTo(x, y);
    });
    context.stroke();
    return canvas;
  }
}
