import { describe, expect, it } from 'vitest';
import { VIRIDIS, colorize } from './colormap.js';

const rgb = (pixels: Uint8ClampedArray, i: number) => [...pixels.subarray(i * 4, i * 4 + 4)];

describe('colorize', () => {
  it('maps min and max to the ends of viridis and clamps beyond them', () => {
    const pixels = colorize([0, 10, -5, Infinity], 0, 10);
    expect(rgb(pixels, 0)).toEqual([68, 1, 84, 255]);
    expect(rgb(pixels, 1)).toEqual([253, 231, 37, 255]);
    expect(rgb(pixels, 2)).toEqual(rgb(pixels, 0));
    expect(rgb(pixels, 3)).toEqual(rgb(pixels, 1));
  });

  it('makes NaN transparent', () => {
    expect(rgb(colorize([NaN], 0, 1), 0)).toEqual([0, 0, 0, 0]);
  });

  it('shows a constant array in the middle colour', () => {
    const middle = 128;
    expect(rgb(colorize([3, 3], 3, 3), 1)).toEqual([...VIRIDIS.subarray(middle * 3, middle * 3 + 3), 255]);
  });

  it('has a 256-entry table', () => {
    expect(VIRIDIS.length).toBe(256 * 3);
  });
});
