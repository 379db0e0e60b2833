import { describe, expect, it } from 'vitest';
import { COLOUR_MAP_NAMES, SPECIAL_COLOURS, colourLut, colourize, countSpecial, isColourMapName, parseColour } from './colourMap.js';
import { resolveRange, settledRange } from './colourRange.js';

describe('colour maps', () => {
  it('reads the colours d3 returns', () => {
    expect(parseColour('#44017f')).toEqual([0x44, 0x01, 0x7f]);
    expect(parseColour('rgb(12, 34, 56)')).toEqual([12, 34, 56]);
  });

  it('builds a 256-colour table for every map from d3-scale-chromatic', () => {
    for (const name of COLOUR_MAP_NAMES) expect(colourLut(name)).toHaveLength(768);
    expect([...colourLut('viridis').subarray(0, 3)]).toEqual([68, 1, 84]);
    // greys is reversed: low is dark.
    expect(colourLut('greys')[0]).toBeLessThan(colourLut('greys')[255 * 3]!);
    expect(isColourMapName('red-blue')).toBe(true);
    expect(isColourMapName('jet')).toBe(false);
  });

  it('maps values to the ends of the map, clamps outside, and gives NaN and ±Inf their own colours', () => {
    const lut = colourLut('viridis');
    const pixels = colourize([0, 10, -5, NaN, Infinity, -Infinity, 20], { map: 'viridis', range: { min: 0, max: 10 } });
    const rgba = (i: number) => [...pixels.subarray(i * 4, i * 4 + 4)];
    expect(rgba(0)).toEqual([...lut.subarray(0, 3), 255]);
    expect(rgba(1)).toEqual([...lut.subarray(255 * 3, 256 * 3), 255]);
    expect(rgba(2)).toEqual(rgba(0));
    expect(rgba(6)).toEqual(rgba(1));
    expect(rgba(3)).toEqual([...SPECIAL_COLOURS.nan]);
    expect(rgba(4)).toEqual([...SPECIAL_COLOURS.posInf]);
    expect(rgba(5)).toEqual([...SPECIAL_COLOURS.negInf]);
  });

  it('writes into the pixels given, and paints a constant or empty range the middle colour', () => {
    const lut = colourLut('magma');
    const middle = [...lut.subarray(127 * 3, 128 * 3), 255];
    const pixels = new Uint8ClampedArray(8);
    expect(colourize([3, 4], { map: 'magma', range: { min: 3, max: 3 } }, pixels)).toBe(pixels);
    expect([...pixels.subarray(0, 4)]).toEqual(middle);
    expect([...colourize([1], { map: 'magma', range: { min: NaN, max: NaN } })]).toEqual(middle);
  });

  it('gives bool two colours, NaN still its own', () => {
    const bools = colourize([0, 1, NaN], { map: 'viridis', range: { min: 0, max: 1 }, bool: true });
    expect([...bools]).toEqual([...SPECIAL_COLOURS.false, ...SPECIAL_COLOURS.true, ...SPECIAL_COLOURS.nan]);
  });

  it('counts the special values the legend lists', () => {
    expect(countSpecial([1, NaN, Infinity, -Infinity, NaN, 2])).toEqual({ nan: 2, posInf: 1, negInf: 1 });
  });
});

describe('resolveRange', () => {
  it('takes percentiles of the finite values, or the fixed ends', () => {
    const values = [NaN, Infinity, ...Array.from({ length: 101 }, (_, i) => i)];
    expect(resolveRange(values, { mode: 'percentile', low: 1, high: 99 })).toEqual({ min: 1, max: 99 });
    expect(resolveRange(values, { mode: 'percentile', low: 0, high: 100 })).toEqual({ min: 0, max: 100 });
    expect(resolveRange(values, { mode: 'fixed', min: -1, max: 1 })).toEqual({ min: -1, max: 1 });
  });

  it('takes the 1–99 percentile range so one outlier does not wash the image out', () => {
    const values = Float64Array.from({ length: 1000 }, (_, i) => i);
    values[500] = 1e12;
    values[501] = NaN;
    const range = resolveRange(values, { mode: 'percentile', low: 1, high: 99 });
    expect(range.min).toBeGreaterThanOrEqual(9);
    expect(range.max).toBeLessThanOrEqual(991);
  });

  it('samples large images across their columns, not one column over and over', () => {
    // 256 rows of 256 columns, each value its column: a sample of every 16th value would see only columns 0, 16, 32, ...
    const values = Float64Array.from({ length: 256 * 256 }, (_, i) => i % 256);
    const range = resolveRange(values, { mode: 'percentile', low: 1, high: 99 }, 4096);
    expect(range.min).toBeLessThanOrEqual(4);
    expect(range.max).toBeGreaterThanOrEqual(251);
  });

  it('gives NaN bounds when there is no finite value', () => {
    const range = resolveRange([NaN, Infinity], { mode: 'percentile', low: 1, high: 99 });
    expect(range.min).toBeNaN();
    expect(range.max).toBeNaN();
  });
});

describe('settledRange', () => {
  it('keeps the range a picture has while the new one is within a hundredth of its span, and takes one that moved further', () => {
    const shown = { min: 0, max: 10 };
    expect(settledRange(undefined, shown)).toBe(shown);
    expect(settledRange(shown, { min: 0.09, max: 9.95 })).toBe(shown);
    expect(settledRange(shown, { min: 0, max: 10.2 })).toEqual({ min: 0, max: 10.2 });
    expect(settledRange(shown, { min: -0.5, max: 10 })).toEqual({ min: -0.5, max: 10 });
  });

  it('takes any new range after an empty or single-valued one', () => {
    expect(settledRange({ min: NaN, max: NaN }, { min: 1, max: 2 })).toEqual({ min: 1, max: 2 });
    expect(settledRange({ min: 3, max: 3 }, { min: 3, max: 3.001 })).toEqual({ min: 3, max: 3.001 });
  });
});
