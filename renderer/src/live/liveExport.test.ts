import { describe, expect, it } from 'vitest';
import { LiveBuffer } from './liveBuffer.js';
import { liveCsv, seriesLabel } from './liveExport.js';

describe('liveCsv', () => {
  it('writes the shown rows of one series', () => {
    const buffer = new LiveBuffer(10, 2);
    buffer.append(new Float64Array([0.5, 1, 1.5]), new Float64Array([1, 3, NaN]), [3]);
    expect(liveCsv(buffer.frame(), 1, 3)).toBe('sample,x,y,rolling_mean,rolling_std\n1,1,3,2,1\n2,1.5,nan,3,0\n');
  });

  it('numbers the columns of several series', () => {
    const buffer = new LiveBuffer(10, 1);
    buffer.append(new Float64Array([7]), new Float64Array([1, 2]), [2, 1]);
    expect(liveCsv(buffer.frame(), 0, 1)).toBe(
      'sample,x,y_0,rolling_mean_0,rolling_std_0,y_1,rolling_mean_1,rolling_std_1\n0,7,1,1,0,2,2,0\n',
    );
  });
});

describe('seriesLabel', () => {
  it("uses numpy's row index for several series", () => {
    expect(seriesLabel(0, 1)).toBe('y');
    expect(seriesLabel(2, 3)).toBe('y[2]');
  });
});
