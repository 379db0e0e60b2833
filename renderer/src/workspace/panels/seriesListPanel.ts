import type { SeriesRef } from '../channelStore.js';
import type { PanelConfigOf, PanelKind } from '../layout.js';
import { type ExportSeries, type PanelContext, type PanelReport, type WorkspacePanel, visibleSeriesOf } from './panel.js';

/** Add and remove for panels whose config is a plain list of series. */
export function withSeries<C extends { series: SeriesRef[] }>(config: C, ref: SeriesRef): C {
  if (config.series.some((s) => s.channel === ref.channel && s.series === ref.series)) return config;
  return { ...config, series: [...config.series, { channel: ref.channel, series: ref.series }] };
}

export function withoutSeries<C extends { series: SeriesRef[] }>(config: C, position: number): C {
  return { ...config, series: config.series.filter((_, i) => i !== position) };
}

/** The shared half of panels whose config is a list of series: the config, its series, add, remove and export. */
export abstract class SeriesListPanel<K extends PanelKind> implements WorkspacePanel<K> {
  abstract readonly kind: K;
  abstract readonly element: HTMLElement;

  protected constructor(
    protected readonly context: PanelContext,
    protected settings: PanelConfigOf<K> & { series: SeriesRef[] },
  ) {}

  config(): PanelConfigOf<K> {
    return this.settings;
  }

  series(): SeriesRef[] {
    return this.settings.series;
  }

  addSeries(ref: SeriesRef): void {
    this.settings = withSeries(this.settings, ref);
  }

  removeSeries(position: number): void {
    this.settings = withoutSeries(this.settings, position);
  }

  visibleSeries(): ExportSeries[] {
    return visibleSeriesOf(this.context, this.settings.series);
  }

  abstract draw(dataChanged: boolean): boolean;
  abstract report(): PanelReport;
  abstract canvas(): HTMLCanvasElement;
  abstract dispose(): void;
}
