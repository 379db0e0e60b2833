/** Colours shared by the stylesheet's dark theme and the charts drawn on canvas. */
export const THEME = {
  background: '#11161c',
  text: '#aab4bf',
  grid: 'rgba(148, 163, 184, 0.12)',
  accent: '#4da3ff',
  font: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
} as const;

/** Tableau 10, brightened slightly for a dark background. */
const SERIES_COLOURS = ['#4da3ff', '#ff9f40', '#5cc872', '#ff6b6b', '#b48ef0', '#4fd1c5', '#f6d55c', '#ff8fb1', '#c49a6c', '#a0aec0'];

export function seriesColour(index: number): string {
  return SERIES_COLOURS[index % SERIES_COLOURS.length]!;
}

/** `#rrggbb` with an alpha, for fills under a line of that colour. */
export function withAlpha(hex: string, alpha: number): string {
  const value = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`;
}
