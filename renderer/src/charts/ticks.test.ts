import { describe, expect, it } from 'vitest';
import { decadeTicks, distinctTicks, integerTicks, tickLabel } from './ticks.js';

describe('tick labels', () => {
  it('keep uint64-sized ticks apart', () => {
    const values = [1.8446744073709548e19, 1.844674407370955e19, 1.8446744073709552e19];
    const ticks = values.map((value) => ({ value }));
    const labels = values.map((v, i) => distinctTicks(v, i, ticks));
    expect(new Set(labels).size).toBe(3);
  });

  it('print plain numbers plainly', () => {
    expect([0, 5, -20, 0.25].map((v) => tickLabel(v, 0.25))).toEqual(['0', '5', '-20', '0.25']);
    expect(tickLabel(1000000, 1000000)).toBe('1000000');
    expect(tickLabel(2.5e-7, 5e-8)).toBe('2.5e-7');
  });

  it('show only whole numbers on index axes', () => {
    expect([0, 0.5, 1, 2.5, 3].map(integerTicks)).toEqual(['0', '', '1', '', '3']);
  });

  it('label a log axis at its decades only', () => {
    expect([1e-13, 1e-5, 0.001, 0.1, 1, 100].map(decadeTicks)).toEqual(['1e-13', '1e-5', '0.001', '0.1', '1', '100']);
    expect([2e-5, 0.3, 50, 0, -1].map(decadeTicks)).toEqual(['', '', '', '', '']);
  });

  it('never show float noise such as -0.6000000000000001', () => {
    const ticks = [-0.6000000000000001, -0.30000000000000004, 0].map((value) => ({ value }));
    expect(ticks.map((t, i) => distinctTicks(t.value, i, ticks))).toEqual(['-0.6', '-0.3', '0']);
  });
});
