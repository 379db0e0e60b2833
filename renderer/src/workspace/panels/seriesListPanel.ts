import type { SeriesRef } from '../channelStore.js';

/** Add and remove for panels whose config is a plain list of series. */
export function withSeries<C extends { series: SeriesRef[] }>(config: C, ref: SeriesRef): C {
  if (config.series.some((s) => s.channel === ref.channel && s.series === ref.series)) return config;
  return { ...config, series: [...config.series, { channel: ref.channel, series: ref.series }] };
}

export function withoutSeries<C extends { series: SeriesRef[] }>(config: C, position: number): C {
  return { ...config, series: config.series.filter((_, i) => i !== position) };
}
