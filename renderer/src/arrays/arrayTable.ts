import type { ArrayInfo, RecordingInfo } from '../../../common/protocol.js';
import { h } from '../app/dom.js';
import { formatBytes, formatShape, formatTimestamp } from '../data/format.js';

/**
 * The stored arrays as table rows; clicking a row (or Enter on it) selects it. Arrays of one group (an
 * `.npz` upload, a recording) sit under a row naming it; a recording's has Play, which opens it in the workspace.
 */
export class ArrayTable {
  private selected: number | null = null;

  constructor(
    private readonly body: HTMLTableSectionElement,
    private readonly onSelect: (index: number) => void,
    private readonly onPlay: (recording: string) => void,
  ) {}

  /** `recordings`: the finished recordings by group. */
  render(arrays: readonly ArrayInfo[], recordings: ReadonlyMap<string, RecordingInfo> = new Map()): void {
    const rows: HTMLTableRowElement[] = [];
    let group: string | undefined;
    for (const info of arrays) {
      if (info.group !== undefined && info.group !== group) rows.push(this.groupRow(info.group, arrays, recordings.get(info.group)));
      group = info.group;
      rows.push(this.row(info));
    }
    this.body.replaceChildren(...rows);
    this.highlight();
  }

  private groupRow(group: string, arrays: readonly ArrayInfo[], recording: RecordingInfo | undefined): HTMLTableRowElement {
    const count = arrays.filter((a) => a.group === group).length;
    const label = recording
      ? `recording “${recording.name}” · ${recording.channels.join(', ')} · ${recording.duration.toFixed(1)} s · ${count} arrays`
      : `group ${group} · ${count} arrays`;
    const line = h('div', { class: 'group-line' }, h('span', { class: 'group-label', title: group }, label));
    const cell = h('td', { colspan: '6' }, line);
    if (recording) {
      const play = h(
        'button',
        { type: 'button', class: 'small primary', 'data-testid': 'array-group-play', title: 'Play it in the workspace, with a timeline' },
        '▶ Play in workspace',
      );
      play.addEventListener('click', () => this.onPlay(recording.id));
      line.append(play);
    }
    return h('tr', { class: 'group-row', 'data-testid': 'array-group', 'data-group': group }, cell);
  }

  select(index: number | null): void {
    this.selected = index;
    this.highlight();
  }

  private row(info: ArrayInfo): HTMLTableRowElement {
    const row = h(
      'tr',
      { 'data-testid': 'array-row', 'data-index': String(info.index), tabindex: '0' },
      h('td', { class: 'num' }, String(info.index)),
      h('td', { class: 'name', title: info.name }, info.name),
      h('td', { class: 'mono' }, formatShape(info.shape)),
      h('td', { class: 'mono' }, info.dtype),
      h('td', { class: 'num' }, formatBytes(info.bytes)),
      h('td', { class: 'time', title: formatTimestamp(info.created) }, formatTimestamp(info.created, { seconds: false })),
    );
    row.addEventListener('click', () => this.onSelect(info.index));
    row.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') this.onSelect(info.index);
    });
    return row;
  }

  private highlight(): void {
    for (const row of this.body.rows) {
      if (row.dataset.index !== undefined) row.setAttribute('aria-selected', String(row.dataset.index === String(this.selected)));
    }
  }
}
