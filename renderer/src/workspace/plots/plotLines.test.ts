import { describe, expect, it } from 'vitest';
import { extremePoints } from './plotLines.js';
import type { PlotLine } from './plotProtocol.js';

const line = (x: number[], y: number[]): PlotLine => ({
  x: Float64Array.from(x),
  y: Float64Array.from(y),
  colour: '#000000',
  label: 'l',
  right: false,
});

describe('extremePoints (what Chart.js autoscales from when the plot strokes its own lines)', () => {
  it('keeps the lowest and highest y inside the x range, and the first and last x, in x order', () => {
    const points = extremePoints(line([0, 1, 2, 3, 4, 5], [50, 3, -2, 7, 1, -90]), { min: 1, max: 4 });
    expect(points).toEqual([
      { x: 0, y: NaN },
      { x: 2, y: -2 },
      { x: 3, y: 7 },
      { x: 5, y: NaN },
    ]);
  });

  it('without an x range takes every point, and sorts unsorted x (an XY plot) so the first and last are the extent', () => {
    const points = extremePoints(line([3, -1, 8, 2], [0, 5, 1, -4]), undefined);
    expect(points.map((p) => p.x)).toEqual([-1, 2, 8]);
    expect(points.filter((p) => !Number.isNaN(p.y)).map((p) => p.y)).toEqual([5, -4]);
  });

  it('skips non-finite values (gaps) and gives nothing for an empty line', () => {
    expect(extremePoints(line([0, 1, 2], [NaN, 4, Infinity]), undefined)).toEqual([
      { x: 0, y: NaN },
      { x: 1, y: 4 },
      { x: 2, y: NaN },
    ]);
    expect(extremePoints(line([], []), undefined)).toEqual([]);
  });
});
