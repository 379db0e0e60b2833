import type { Chart } from 'chart.js';
import type { Point } from '../../charts/points.js';
import type { XRange } from '../timeAxis.js';
import type { PlotLine } from './plotProtocol.js';

/**
 * Strokes the workspace plots' lines with plain canvas paths, over a copy of what Chart.js drew
 * (axes, grid, fills), with the geometry of `chart`'s layout. Chart.js autoscales from
 * `extremePoints` alone; what it no longer does per frame is turn every decimated point into an
 * object, resolve options for it and walk it again to draw. x maps
 * linearly onto the x scale's pixels over `range` (the frame's own range, which the axes drawn may
 * lag by under a pixel: see PlotCharts), y through Chart.js's scale (linear or log).
 */
export function strokeLines(context: OffscreenCanvasRenderingContext2D, chart: Chart, lines: readonly PlotLine[], range: XRange): void {
  const x = chart.scales.x;
  if (!x || !(range.max > range.min)) return;
  const { left, top, right, bottom } = chart.chartArea;
  context.save();
  // Chart.js clips a line half its width outside the plot area.
  context.beginPath();
  context.rect(left - 0.5, top - 0.5, right - left + 1, bottom - top + 1);
  context.clip();
  context.lineWidth = 1;
  context.lineJoin = 'miter';
  context.lineCap = 'butt';
  const scale = (x.right - x.left) / (range.max - range.min);
  // Chart.js draws its first dataset last (on top): so do these.
  for (let d = lines.length - 1; d >= 0; d--) {
    const line = lines[d]!;
    const y = chart.scales[line.right ? 'y2' : 'y'];
    if (!y) continue;
    context.beginPath();
    // A non-finite point (a gap in the data) breaks the line, as Chart.js does without `spanGaps`.
    let drawing = false;
    for (let i = 0; i < line.x.length; i++) {
      const px = x.left + (line.x[i]! - range.min) * scale;
      const py = y.getPixelForValue(line.y[i]!);
      if (!Number.isFinite(px) || !Number.isFinite(py) || !Number.isFinite(line.y[i]!)) {
        drawing = false;
        continue;
      }
      if (drawing) context.lineTo(px, py);
      else context.moveTo(px, py);
      drawing = true;
    }
    context.strokeStyle = line.colour;
    context.stroke();
  }
  context.restore();
}

/**
 * The points of a line that decide Chart.js's autoscale, as it computes it: the lowest and highest
 * finite y among points inside the x range shown (all points when the x axis fits the data), and
 * the lowest and highest x.
 */
export function extremePoints(line: PlotLine, range: XRange | undefined): Point[] {
  let low = -1;
  let high = -1;
  let first = -1;
  let last = -1;
  for (let i = 0; i < line.x.length; i++) {
    const xi = line.x[i]!;
    const yi = line.y[i]!;
    if (!Number.isFinite(xi)) continue;
    if (first < 0 || xi < line.x[first]!) first = i;
    if (last < 0 || xi > line.x[last]!) last = i;
    if (!Number.isFinite(yi) || (range && (xi < range.min || xi > range.max))) continue;
    if (low < 0 || yi < line.y[low]!) low = i;
    if (high < 0 || yi > line.y[high]!) high = i;
  }
  // In x order: without parsing Chart.js takes data as sorted and reads x's extent from the first and last point.
  const kept = [...new Set([first, last, low, high])].filter((i) => i >= 0).sort((a, b) => line.x[a]! - line.x[b]!);
  // Outside the x range, a point moves only x's autoscale (which a given range overrides): y NaN keeps it out of y's.
  return kept.map((i) => ({ x: line.x[i]!, y: i === low || i === high ? line.y[i]! : NaN }));
}
