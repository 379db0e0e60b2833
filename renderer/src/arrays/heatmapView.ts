import { byTestId, setReadout } from '../app/dom.js';
import { formatCount, formatValue } from '../data/format.js';
import { VIRIDIS, colorize } from './colormap.js';
import { type Grid, downsampleGrid } from './heatmapGrid.js';

/** Largest image drawn: bigger arrays are block-averaged down to this. */
const MAX_IMAGE_SIDE = 1024;

/** A 2-D array as an image on a viridis scale, with its colour bar and a readout of the value under the pointer. */
export class HeatmapView {
  private readonly canvas: HTMLCanvasElement;
  private readonly note: HTMLElement;
  private readonly hover: HTMLElement;
  private source?: { values: ArrayLike<number>; rows: number; cols: number; grid: Grid };

  constructor(private readonly root: HTMLElement) {
    this.canvas = byTestId('heatmap-canvas', root);
    this.note = byTestId('heatmap-note', root);
    this.hover = byTestId('heatmap-hover', root);
    drawColourBar(byTestId('heatmap-colourbar', root));
    this.canvas.addEventListener('mousemove', (event) => this.showValueAt(event));
    this.canvas.addEventListener('mouseleave', () => setReadout(this.hover, '\u00a0', ''));
    new ResizeObserver(() => this.fit()).observe(root);
  }

  /** Draws rows × cols values (C order) on the scale min..max. */
  show(values: ArrayLike<number>, rows: number, cols: number, min: number, max: number): void {
    const grid = downsampleGrid(values, rows, cols, MAX_IMAGE_SIDE, MAX_IMAGE_SIDE);
    this.source = { values, rows, cols, grid };
    this.canvas.width = grid.cols;
    this.canvas.height = grid.rows;
    this.canvas.getContext('2d')!.putImageData(new ImageData(colorize(grid.values, min, max), grid.cols, grid.rows), 0, 0);
    setReadout(byTestId('heatmap-min', this.root), formatValue(min), min);
    setReadout(byTestId('heatmap-max', this.root), formatValue(max), max);
    const shrunk = grid.rowStep > 1 || grid.colStep > 1;
    this.note.textContent =
      `${formatCount(rows)} rows × ${formatCount(cols)} columns` +
      (shrunk ? ` · drawn at ${grid.rows} × ${grid.cols}, each pixel the mean of ${grid.rowStep} × ${grid.colStep}` : '');
    this.fit();
  }

  /** Scales the image to fill the panel at the array's aspect ratio; small arrays get crisp, big pixels. */
  private fit(): void {
    if (!this.source) return;
    const frame = this.canvas.parentElement!;
    const { rows, cols } = this.source;
    const scale = Math.min(frame.clientWidth / cols, frame.clientHeight / rows);
    if (!(scale > 0)) return;
    this.canvas.style.width = `${Math.floor(cols * scale)}px`;
    this.canvas.style.height = `${Math.floor(rows * scale)}px`;
  }

  private showValueAt(event: MouseEvent): void {
    if (!this.source) return;
    const { values, rows, cols } = this.source;
    const box = this.canvas.getBoundingClientRect();
    const row = Math.min(rows - 1, Math.floor(((event.clientY - box.top) / box.height) * rows));
    const col = Math.min(cols - 1, Math.floor(((event.clientX - box.left) / box.width) * cols));
    if (row < 0 || col < 0) return;
    const value = values[row * cols + col]!;
    setReadout(this.hover, `[${row}, ${col}] = ${formatValue(value)}`, value);
  }
}

/** A 1 × 256 ramp, max on top; CSS stretches it beside the image. */
function drawColourBar(canvas: HTMLCanvasElement): void {
  const levels = VIRIDIS.length / 3;
  canvas.width = 1;
  canvas.height = levels;
  const ramp = Float64Array.from({ length: levels }, (_, i) => levels - 1 - i);
  canvas.getContext('2d')!.putImageData(new ImageData(colorize(ramp, 0, levels - 1), 1, levels), 0, 0);
}
