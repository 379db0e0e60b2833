import type { Chart } from 'chart.js';
import { THEME } from './theme.js';

/** The charts stacked top to bottom on the theme's background, as one PNG (on the page or in a worker). */
export function chartsToPng(charts: readonly Chart[]): Promise<Blob> {
  // In a worker, a chart's canvas is an OffscreenCanvas (Chart.js types it as a DOM canvas regardless).
  const canvases: readonly (HTMLCanvasElement | OffscreenCanvas)[] = charts.map((c) => c.canvas);
  const out = new OffscreenCanvas(
    Math.max(...canvases.map((c) => c.width)),
    canvases.reduce((sum, c) => sum + c.height, 0),
  );
  const context = out.getContext('2d')!;
  context.fillStyle = THEME.background;
  context.fillRect(0, 0, out.width, out.height);
  let top = 0;
  for (const canvas of canvases) {
    context.drawImage(canvas, 0, top);
    top += canvas.height;
  }
  return out.convertToBlob({ type: 'image/png' });
}
