import { describe, expect, it } from 'vitest';
import { plotData } from './plotData.js';

describe('plotData', () => {
  it('lays out arrays by dimension', () => {
    expect(plotData(new Float64Array([1]), [], 'float64').layout).toEqual({ kind: 'scalar' });
    expect(plotData(new Float64Array(0), [2, 0], 'float64').layout).toEqual({ kind: 'empty' });
    expect(plotData(new Float64Array(5), [5], 'float64').layout).toEqual({ kind: 'line' });
    expect(plotData(new Int16Array(24), [2, 3, 4], 'int16').layout).toEqual({ kind: 'grid', rows: 6, cols: 4 });
  });

  it('plots the magnitude of complex values', () => {
    const data = plotData(new Float32Array([3, 4, 0, 1]), [2], 'complex64');
    expect(data.magnitude).toBe(true);
    expect([...data.values]).toEqual([5, 1]);
  });

  it('turns 64-bit integers into numbers', () => {
    expect([...plotData(new BigUint64Array([1n, 2n]), [2], 'uint64').values]).toEqual([1, 2]);
  });
});
