import type { Chart } from 'chart.js';
import { THEME } from './theme.js';

/** The charts stacked top to bottom on the theme's background, as one PNG. */
export function chartsToPng(charts: readonly Chart[]): Promise<Blob> {
  const canvases = charts.map((c) => c.canvas);
  const out = document.createElement('canvas');
  out.width = Math.max(...canvases.map((c) => c.width));
  out.height = canvases.reduce((sum, c) => sum + c.height, 0);
  const context = out.getContext('2d')!;
  context.fillStyle = THEME.background;
  context.fillRect(0, 0, out.width, out.height);
  let top = 0;
  for (const canvas of canvases) {
    context.drawImage(canvas, 0, top);
    top += canvas.height;
  }
  return new Promise((resolve, reject) => out.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('cannot encode PNG'))), 'image/png'));
}
