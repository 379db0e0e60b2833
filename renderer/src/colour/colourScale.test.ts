import { describe, expect, it } from 'vitest';
import { COLOUR_MAPS, SPECIAL_COLOURS, colourLut, colourize, resolveRange } from './colourScale.js';

describe('colourScale', () => {
  it('builds a 256-colour table for every map from d3-scale-chromatic', () => {
    for (const name of COLOUR_MAPS) expect(colourLut(name)).toHaveLength(768);
    expect([...colourLut('viridis').subarray(0, 3)]).toEqual([68, 1, 84]);
  });

  it('takes the 1–99 percentile range so one outlier does not wash the image out', () => {
    const values = Float64Array.from({ length: 1000 }, (_, i) => i);
    values[500] = 1e12;
    values[501] = NaN;
    const range = resolveRange(values, { kind: 'percentile', low: 1, high: 99 });
    expect(range.min).toBeGreaterThanOrEqual(9);
    expect(range.max).toBeLessThanOrEqual(991);
    expect(resolveRange(values, { kind: 'fixed', min: -1, max: 2 })).toEqual({ min: -1, max: 2 });
    expect(resolveRange([NaN, Infinity], { kind: 'percentile', low: 1, high: 99 }).min).toBeNaN();
  });

  it('gives NaN, +Inf and -Inf their own colours and bool two colours', () => {
    const pixels = colourize([0, NaN, Infinity, -Infinity, 1], { map: 'viridis', range: { min: 0, max: 1 } });
    const rgba = (i: number) => [...pixels.subarray(i * 4, i * 4 + 4)];
    expect(rgba(1)).toEqual([...SPECIAL_COLOURS.nan]);
    expect(rgba(2)).toEqual([...SPECIAL_COLOURS.posInf]);
    expect(rgba(3)).toEqual([...SPECIAL_COLOURS.negInf]);
    expect(rgba(0)).toEqual([...colourLut('viridis').subarray(0, 3), 255]);
    const bools = colourize([0, 1], { map: 'viridis', range: { min: 0, max: 1 }, bool: true });
    expect([...bools]).toEqual([...SPECIAL_COLOURS.false, ...SPECIAL_COLOURS.true]);
  });
});
