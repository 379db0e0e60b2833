import { describe, expect, it } from 'vitest';
import { downsampleGrid } from './heatmapGrid.js';

describe('downsampleGrid', () => {
  it('keeps grids that fit', () => {
    const grid = downsampleGrid([1, 2, 3, 4, 5, 6], 2, 3, 10, 10);
    expect(grid).toMatchObject({ rows: 2, cols: 3, rowStep: 1, colStep: 1 });
    expect([...grid.values]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('averages blocks, including partial ones at the edges', () => {
    // 3 × 5, shrunk to at most 2 × 3: blocks of 2 rows × 2 columns.
    const values = [1, 2, 3, 4, 5, /**/ 6, 7, 8, 9, 10, /**/ 11, 12, 13, 14, 15];
    const grid = downsampleGrid(values, 3, 5, 2, 3);
    expect(grid).toMatchObject({ rows: 2, cols: 3, rowStep: 2, colStep: 2 });
    expect([...grid.values]).toEqual([4, 6, 7.5, 11.5, 13.5, 15]);
  });

  it('leaves NaN out of the mean', () => {
    const grid = downsampleGrid([NaN, 2, NaN, NaN], 2, 2, 1, 1);
    expect([...grid.values]).toEqual([2]);
    expect([...downsampleGrid([NaN, NaN], 1, 2, 1, 1).values]).toEqual([NaN]);
  });

  it('shrinks 2000 × 2000 to fit', () => {
    const grid = downsampleGrid(new Float64Array(2000 * 2000), 2000, 2000, 800, 800);
    expect(grid).toMatchObject({ rows: 667, cols: 667, rowStep: 3, colStep: 3 });
  });
});
