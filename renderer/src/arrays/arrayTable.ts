import type { ArrayInfo } from '../../../common/protocol.js';
import { h } from '../app/dom.js';
import { formatBytes, formatShape, formatTimestamp } from '../data/format.js';

/** The stored arrays as table rows; clicking a row (or Enter on it) selects it. */
export class ArrayTable {
  private selected: number | null = null;

  constructor(
    private readonly body: HTMLTableSectionElement,
    private readonly onSelect: (index: number) => void,
  ) {}

  render(arrays: readonly ArrayInfo[]): void {
    this.body.replaceChildren(...arrays.map((info) => this.row(info)));
    this.highlight();
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
    for (const row of this.body.rows) row.setAttribute('aria-selected', String(row.dataset.index === String(this.selected)));
  }
}
