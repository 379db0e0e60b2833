import { h } from '../../app/dom.js';
import { formatValue } from '../../data/format.js';
import { lowerBound } from '../channelStore.js';
import type { PanelConfigOf } from '../layout.js';
import { type PanelContext, type PanelReport, seriesLabel, seriesValues, xColumn } from './panel.js';
import { SeriesListPanel } from './seriesListPanel.js';
import { textCanvas } from './statsPanel.js';

/** The newest value of each series (as of the visible range's end, so Pause freezes it too), in large type. */
export class ValuePanel extends SeriesListPanel<'value'> {
  readonly kind = 'value';
  readonly element: HTMLElement;
  private values: string[] = [];

  constructor(context: PanelContext, config: PanelConfigOf<'value'>) {
    super(context, config);
    this.element = h('div', { class: 'panel-body value-panel', 'data-testid': 'value-list' });
  }

  draw(): boolean {
    const { store, axis } = this.context;
    const end = axis.visible().max;
    this.values = [];
    this.element.replaceChildren(
      ...this.settings.series.map((ref) => {
        const channel = store.get(ref.channel);
        const values = seriesValues(channel, ref.series);
        // The last sample at or before the end (a relative step: 1e-9 is below a Unix time's resolution).
        const i = channel && values ? lowerBound(xColumn(channel, axis), end + Number.EPSILON * Math.abs(end)) - 1 : -1;
        const text = values && i >= 0 ? formatValue(values[i]!) : '—';
        this.values.push(text);
        const unit = channel?.seriesUnit(ref.series) ?? '';
        return h(
          'div',
          { class: 'value-item' },
          h('div', { class: 'value-label' }, seriesLabel(store, ref)),
          h(
            'div',
            { class: 'value-number mono', 'data-testid': 'value-number' },
            text,
            unit ? h('span', { class: 'value-unit' }, ` ${unit}`) : '',
          ),
        );
      }),
    );
    return this.values.some((v) => v !== '—');
  }

  report(): PanelReport {
    return { pointsShown: this.values.length, readout: this.values };
  }

  canvas(): HTMLCanvasElement {
    return textCanvas(
      this.settings.series.map((ref, i) => `${seriesLabel(this.context.store, ref)}  ${this.values[i] ?? ''}`),
      this.element.clientWidth,
    );
  }

  dispose(): void {}
}
