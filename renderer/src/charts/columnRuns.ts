/** An opaque image as one 32-bit number per pixel: ImageData's RGBA bytes read little-endian (0xAABBGGRR), rows top down. */
export interface Pixels {
  readonly data: Uint32Array;
  readonly width: number;
}

/** The pixels a line may cover, in device pixels: columns [left, right), rows [top, bottom). */
export interface PixelBox {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * Draws a line through points ascending in x (device pixels) as one run of pixels per column it
 * crosses: from the lowest to the highest y the line reaches in that column, widened by
 * `thickness` (half above, half below) and anti-aliased at both ends. Gaps (non-finite y) break it.
 *
 * Why not the canvas's own stroke: a min-max decimated live signal is a zigzag from each column's
 * minimum to its maximum, and without a GPU Skia strokes every one of those long steep segments as an
 * anti-aliased polygon: about 0.7 ms a line of 800 points, most of a workspace redraw. Between
 * points at most a pixel apart a stroke covers what these runs cover, at a tenth of the cost.
 */
export function drawColumnRuns(
  target: Pixels,
  xs: Float64Array,
  ys: Float64Array,
  count: number,
  rgb: readonly [number, number, number],
  box: PixelBox,
  thickness: number,
): void {
  const [red, green, blue] = rgb;
  const solid = (0xff000000 | (blue << 16) | (green << 8) | red) >>> 0;
  const { data, width } = target;
  const half = thickness / 2;
  const columns = Math.max(1, Math.round(thickness));

  const fillRun = (column: number, low: number, high: number) => {
    const top = Math.max(box.top, low - half);
    const bottom = Math.min(box.bottom, high + half);
    if (!(bottom > top)) return;
    // Rows [full, past) are covered whole; the row above and the row at `past` in part.
    const full = Math.ceil(top);
    const past = Math.floor(bottom);
    for (let c = Math.max(column, box.left); c < Math.min(column + columns, box.right); c++) {
      if (past < full) {
        blend(data, past * width + c, rgb, bottom - top);
        continue;
      }
      if (full > top) blend(data, (full - 1) * width + c, rgb, full - top);
      for (let at = full * width + c, end = past * width + c; at < end; at += width) data[at] = solid;
      if (bottom > past) blend(data, past * width + c, rgb, bottom - past);
    }
  };

  let column = NaN;
  let low = 0;
  let high = 0;
  let lastX = NaN;
  let lastY = NaN;
  /** The line's y at x on the segment from the last point to (x1, y1). */
  const along = (x: number, x1: number, y1: number) => (x1 > lastX ? lastY + ((y1 - lastY) * (x - lastX)) / (x1 - lastX) : lastY);
  for (let i = 0; i < count; i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      if (!Number.isNaN(column)) fillRun(column, low, high);
      column = lastX = lastY = NaN;
      continue;
    }
    const at = Math.floor(x);
    if (at === column) {
      low = Math.min(low, y);
      high = Math.max(high, y);
    } else if (!Number.isNaN(column)) {
      // The segment from the last point leaves its column, crosses those between, and enters this one.
      const exit = along(column + 1, x, y);
      fillRun(column, Math.min(low, exit), Math.max(high, exit));
      // Only those in the box: a segment may span far more columns than it has pixels.
      for (let between = Math.max(column + 1, box.left - columns); between < Math.min(at, box.right); between++) {
        const from = along(between, x, y);
        const to = along(between + 1, x, y);
        fillRun(between, Math.min(from, to), Math.max(from, to));
      }
      const entry = along(at, x, y);
      low = Math.min(entry, y);
      high = Math.max(entry, y);
    } else low = high = y;
    column = at;
    lastX = x;
    lastY = y;
  }
  if (!Number.isNaN(column)) fillRun(column, low, high);
}

/**
 * A chart's plot area in device pixels on a canvas `width` × `height`, widened by half a line's width
 * each side as Chart.js clips its lines, whole pixels, within the canvas.
 */
export function plotAreaPixels(area: PixelBox, ratio: number, width: number, height: number): PixelBox {
  return {
    left: Math.max(0, Math.floor((area.left - 0.5) * ratio)),
    top: Math.max(0, Math.floor((area.top - 0.5) * ratio)),
    right: Math.min(width, Math.ceil((area.right + 0.5) * ratio)),
    bottom: Math.min(height, Math.ceil((area.bottom + 0.5) * ratio)),
  };
}

/** Mixes `rgb` into the pixel at `at` by `coverage` (0 to 1), as an anti-aliased edge does. */
function blend(data: Uint32Array, at: number, [red, green, blue]: readonly [number, number, number], coverage: number): void {
  const under = data[at]!;
  const mix = (shift: number, value: number) => {
    const was = (under >>> shift) & 255;
    return (was + (value - was) * coverage) & 255;
  };
  data[at] = (0xff000000 | (mix(16, blue) << 16) | (mix(8, green) << 8) | mix(0, red)) >>> 0;
}

/** Whether points at `xs` (`scale` pixels per unit) are at least one per pixel column, x never going back: what `drawColumnRuns` draws as a stroke would. */
export function denseInX(xs: ArrayLike<number>, count: number, scale: number): boolean {
  let first = NaN;
  let last = NaN;
  let finite = 0;
  for (let i = 0; i < count; i++) {
    const x = xs[i]!;
    if (!Number.isFinite(x)) continue;
    if (x < last) return false;
    if (!finite++) first = x;
    last = x;
  }
  return finite >= 2 && (last - first) * scale <= finite - 1;
}
