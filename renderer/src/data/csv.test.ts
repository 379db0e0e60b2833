import { describe, expect, it } from 'vitest';
import { csvNumber, toCsv } from './csv.js';

describe('csv', () => {
  it('writes numbers so they read back exactly, non-finite ones as numpy spells them', () => {
    expect([0.1, 1e-300, -2, NaN, Infinity, -Infinity].map(csvNumber)).toEqual(['0.1', '1e-300', '-2', 'nan', 'inf', '-inf']);
  });

  it('writes a header and the requested rows', () => {
    const csv = toCsv(
      [
        { name: 'x', values: [0, 1, 2] },
        { name: 'y', values: new Float64Array([5, 6.5, NaN]) },
      ],
      1,
    );
    expect(csv).toBe('x,y\n1,6.5\n2,nan\n');
  });

  it('writes only the header without rows', () => {
    expect(toCsv([{ name: 'x', values: [] }])).toBe('x\n');
  });
});
