import { describe, expect, it } from 'vitest';
import { DEFAULT_SPECIAL_COLOURS, colourLut, colourize, parseColour } from './colourMap.js';
import { colourRange } from './colourRange.js';

describe('colour maps', () => {
  it('reads the colours d3 returns', () => {
    expect(parseColour('#44017f')).toEqual([0x44, 0x01, 0x7f]);
    expect(parseColour('rgb(12, 34, 56)')).toEqual([12, 34, 56]);
  });

  it('maps values to the ends of the map, clamps outside, and gives NaN and ±Inf their own colours', () => {
    const lut = colourLut('viridis');
    const pixels = new Uint8ClampedArray(6 * 4);
    colourize([0, 10, -5, NaN, Infinity, -Infinity], 0, 10, lut, pixels);
    const pixel = (i: number) => Array.from(pixels.subarray(i * 4, i * 4 + 3));
    expect(pixel(0)).toEqual(Array.from(lut.subarray(0, 3)));
    expect(pixel(1)).toEqual(Array.from(lut.subarray(255 * 3, 256 * 3)));
    expect(pixel(2)).toEqual(pixel(0));
    expect(pixel(3)).toEqual([...DEFAULT_SPECIAL_COLOURS.nan]);
    expect(pixel(4)).toEqual([...DEFAULT_SPECIAL_COLOURS.positiveInfinity]);
    expect(pixel(5)).toEqual([...DEFAULT_SPECIAL_COLOURS.negativeInfinity]);
    expect(pixels[3]).toBe(255);
  });
});

describe('colourRange', () => {
  it('takes percentiles of the finite values, or the fixed ends', () => {
    const values = [NaN, Infinity, ...Array.from({ length: 101 }, (_, i) => i)];
    expect(colourRange(values, { mode: 'percentile', low: 1, high: 99 })).toEqual({ min: 1, max: 99 });
    expect(colourRange(values, { mode: 'percentile', low: 0, high: 100 })).toEqual({ min: 0, max: 100 });
    expect(colourRange([NaN], { mode: 'percentile', low: 1, high: 99 })).toBeUndefined();
    expect(colourRange(values, { mode: 'fixed', min: -1, max: 1 })).toEqual({ min: -1, max: 1 });
  });
});
