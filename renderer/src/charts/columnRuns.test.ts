import { describe, expect, it } from 'vitest';
import { type PixelBox, type Pixels, denseInX, drawColumnRuns } from './columnRuns.js';

const BACKGROUND = 0xff000000;
const RED: [number, number, number] = [255, 0, 0];
const SOLID_RED = 0xff0000ff;

function canvas(width: number, height: number): Pixels & { at(x: number, y: number): number; column(x: number): number[] } {
  const data = new Uint32Array(width * height).fill(BACKGROUND);
  return {
    data,
    width,
    at: (x, y) => data[y * width + x]!,
    /** The rows of column x the line touched. */
    column: (x) => Array.from({ length: height }, (_, y) => y).filter((y) => data[y * width + x] !== BACKGROUND),
  };
}

const whole = (width: number, height: number): PixelBox => ({ left: 0, top: 0, right: width, bottom: height });

function draw(target: Pixels, points: [number, number][], box: PixelBox, thickness = 1): void {
  drawColumnRuns(
    target,
    Float64Array.from(points, ([x]) => x),
    Float64Array.from(points, ([, y]) => y),
    points.length,
    RED,
    box,
    thickness,
  );
}

describe('drawColumnRuns (dense lines as one run of pixels per column)', () => {
  it("covers each column from its lowest to its highest point, a line's width more, solid inside", () => {
    const target = canvas(4, 20);
    // A min-max decimated zigzag: two points per column.
    draw(
      target,
      [
        [0.2, 5.5],
        [0.7, 12.5],
        [1.2, 3.5],
        [1.7, 9.5],
      ],
      whole(4, 20),
    );
    expect(target.column(0)).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
    // The segment from column 0's last point (12.5) up to 3.5 crosses into column 1 at 7.1: column 1 holds the rest.
    expect(target.column(1)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(target.at(0, 8)).toBe(SOLID_RED);
    expect(target.column(2)).toEqual([]);
  });

  it('joins points columns apart through the columns between, as a stroke would', () => {
    const target = canvas(6, 10);
    draw(
      target,
      [
        [0.5, 1.5],
        [4.5, 5.5],
      ],
      whole(6, 10),
    );
    // One row a column: the segment falls a pixel per column.
    for (let x = 0; x <= 4; x++) expect(target.column(x).length).toBeGreaterThan(0);
    expect(target.column(0)[0]).toBe(1);
    expect(target.column(4).at(-1)).toBe(5);
    expect(target.column(5)).toEqual([]);
  });

  it('blends partly covered pixels at the ends of a run (anti-aliasing)', () => {
    const target = canvas(1, 10);
    // A flat line on a pixel boundary covers half of the rows above and below it.
    draw(
      target,
      [
        [0.1, 4],
        [0.9, 4],
      ],
      whole(1, 10),
    );
    expect(target.column(0)).toEqual([3, 4]);
    const red = target.at(0, 3) & 255;
    expect(red).toBeGreaterThan(100);
    expect(red).toBeLessThan(155);
  });

  it('breaks at a non-finite y, leaving the columns of the gap empty', () => {
    const target = canvas(8, 10);
    draw(
      target,
      [
        [0.5, 2],
        [1.5, 2],
        [3.5, NaN],
        [5.5, 7],
        [6.5, 7],
      ],
      whole(8, 10),
    );
    expect(target.column(1).length).toBeGreaterThan(0);
    expect([2, 3, 4].map((x) => target.column(x))).toEqual([[], [], []]);
    expect(target.column(5).length).toBeGreaterThan(0);
  });

  it('draws nothing outside its box, rows or columns', () => {
    const target = canvas(6, 10);
    draw(
      target,
      [
        [0.5, 5],
        [1.2, -5],
        [1.8, 20],
        [4.5, 5],
      ],
      { left: 1, top: 2, right: 4, bottom: 8 },
    );
    expect(target.column(0)).toEqual([]);
    expect(target.column(4)).toEqual([]);
    expect(target.column(1)).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('crosses a segment millions of columns long only where the box is', () => {
    const target = canvas(6, 10);
    draw(
      target,
      [
        [-1e9, 5],
        [1e9, 5],
      ],
      whole(6, 10),
    );
    for (let x = 0; x < 6; x++) expect(target.column(x)).toEqual([4, 5]);
  });

  it('writes the colour as ImageData keeps it: red, green, blue, opaque alpha', () => {
    const target = canvas(1, 3);
    drawColumnRuns(target, Float64Array.from([0.2, 0.8]), Float64Array.from([0, 3]), 2, [10, 20, 30], whole(1, 3), 1);
    expect(new Uint8Array(target.data.buffer, 4, 4)).toEqual(Uint8Array.from([10, 20, 30, 255]));
  });

  it('keeps a thick line at the right edge inside the image', () => {
    const target = canvas(6, 4);
    draw(
      target,
      [
        [5.2, 1],
        [5.8, 2],
      ],
      whole(6, 4),
      2,
    );
    expect(target.column(5)).toEqual([0, 1, 2]);
    expect(target.data.length).toBe(24);
    expect(target.column(0)).toEqual([]);
  });

  it('is as many columns wide as the line is thick (a 2× display)', () => {
    const target = canvas(6, 10);
    draw(
      target,
      [
        [1.5, 5],
        [1.6, 5],
      ],
      whole(6, 10),
      2,
    );
    expect(target.column(1)).toEqual([4, 5]);
    expect(target.column(2)).toEqual([4, 5]);
    expect(target.column(3)).toEqual([]);
  });
});

describe('denseInX (which lines drawColumnRuns draws as a stroke would)', () => {
  it('takes lines with a point per pixel column or more, at the given pixels per unit', () => {
    const xs = Float64Array.from({ length: 11 }, (_, i) => i);
    expect(denseInX(xs, xs.length, 1)).toBe(true);
    expect(denseInX(xs, xs.length, 1.01)).toBe(false);
    expect(denseInX(xs, xs.length, 0.5)).toBe(true);
  });

  it('refuses x going back (an XY trail) and lines of fewer than two points', () => {
    expect(denseInX([0, 0.5, 0.4, 1], 4, 1)).toBe(false);
    expect(denseInX([3], 1, 1)).toBe(false);
  });

  it('reads past non-finite x, never letting one hide x going back', () => {
    expect(denseInX([0, 1e12, NaN, 1], 4, 1)).toBe(false);
    expect(denseInX([0, NaN, 1, 2], 4, 1)).toBe(true);
  });
});
