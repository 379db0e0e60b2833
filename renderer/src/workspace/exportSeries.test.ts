import { describe, expect, it } from 'vitest';
import { decodeNpy } from '../../../common/npy/codec.js';
import { toTypedArray } from '../../../common/npy/typed.js';
import { seriesCsv, seriesNpy } from './exportSeries.js';

const series = [
  {
    ref: { channel: 'a', series: 0 },
    label: 'a.y',
    t: Float64Array.of(1, 2),
    index: Float64Array.of(10, 11),
    values: Float64Array.of(0.5, NaN),
  },
  {
    ref: { channel: 'b', series: 1 },
    label: 'b.x, "v"',
    t: Float64Array.of(1.5),
    index: Float64Array.of(3),
    values: Float64Array.of(-Infinity),
  },
];

describe('series export', () => {
  it('writes exactly the given samples as CSV, quoting labels that need it', () => {
    expect(seriesCsv(series)).toBe('series,time_s,index,value\na.y,1,10,0.5\na.y,2,11,nan\n"b.x, ""v""",1.5,3,-inf\n');
  });

  it('writes them as an (N, 4) float64 .npy', () => {
    const array = decodeNpy(seriesNpy(series));
    expect(array.header.shape).toEqual([3, 4]);
    expect(array.header.dtype.name).toBe('float64');
    expect(Array.from(toTypedArray(array) as Float64Array)).toEqual([0, 1, 10, 0.5, 0, 2, 11, NaN, 1, 1.5, 3, -Infinity]);
  });
});
