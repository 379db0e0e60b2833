import { describe, expect, it } from 'vitest';
import { LiveBuffer, copyFrame } from './liveBuffer.js';

const xs = (from: number, n: number) => Float64Array.from({ length: n }, (_, i) => from + i);

describe('LiveBuffer', () => {
  it('keeps the newest points of one series with their rolling statistics', () => {
    const buffer = new LiveBuffer(4, 2);
    buffer.append(xs(0, 3), new Float64Array([1, 3, 5]), [3]);
    buffer.append(xs(3, 3), new Float64Array([7, 9, 11]), [3]);
    const frame = buffer.frame();
    expect(frame.firstSample).toBe(2);
    expect([...frame.x]).toEqual([2, 3, 4, 5]);
    expect([...frame.series[0]!.y]).toEqual([5, 7, 9, 11]);
    expect([...frame.series[0]!.mean]).toEqual([4, 6, 8, 10]);
    expect([...frame.series[0]!.std]).toEqual([1, 1, 1, 1]);
  });

  it('splits a (k, n) packet into k series', () => {
    const buffer = new LiveBuffer(10, 1);
    const added = buffer.append(xs(0, 2), new Int16Array([1, 2, 10, 20, 100, 200]), [3, 2]);
    expect(added).toBe(2);
    expect(buffer.seriesCount).toBe(3);
    expect(buffer.frame().series.map((s) => [...s.y])).toEqual([
      [1, 2],
      [10, 20],
      [100, 200],
    ]);
  });

  it('reads 64-bit integers', () => {
    const buffer = new LiveBuffer(10, 1);
    buffer.append(xs(0, 2), new BigInt64Array([5n, -6n]), [2]);
    expect([...buffer.frame().series[0]!.y]).toEqual([5, -6]);
  });

  it('starts afresh when the number of series changes', () => {
    const buffer = new LiveBuffer(10, 1);
    buffer.append(xs(0, 2), new Float64Array([1, 2]), [2]);
    buffer.append(xs(2, 1), new Float64Array([3, 4]), [2, 1]);
    expect(buffer.seriesCount).toBe(2);
    expect(buffer.length).toBe(1);
  });

  it('resizes keeping the newest points', () => {
    const buffer = new LiveBuffer(5, 1);
    buffer.append(xs(0, 5), new Float64Array([0, 1, 2, 3, 4]), [5]);
    buffer.resize(2);
    expect([...buffer.frame().series[0]!.y]).toEqual([3, 4]);
    buffer.resize(4);
    buffer.append(xs(5, 1), new Float64Array([5]), [1]);
    expect([...buffer.frame().x]).toEqual([3, 4, 5]);
  });

  it('recomputes the statistics when the rolling window changes', () => {
    const buffer = new LiveBuffer(5, 1);
    buffer.append(xs(0, 3), new Float64Array([2, 4, 6]), [3]);
    buffer.setRollingWindow(3);
    expect([...buffer.frame().series[0]!.mean]).toEqual([2, 3, 4]);
  });

  it('clears points and the sample count', () => {
    const buffer = new LiveBuffer(5, 2);
    buffer.append(xs(0, 3), new Float64Array([1, 2, 3]), [3]);
    buffer.clear();
    expect(buffer.length).toBe(0);
    buffer.append(xs(0, 1), new Float64Array([9]), [1]);
    expect(buffer.frame().firstSample).toBe(0);
    expect([...buffer.frame().series[0]!.mean]).toEqual([9]);
  });

  it('copies frames so later packets leave them alone', () => {
    const buffer = new LiveBuffer(3, 1);
    buffer.append(xs(0, 3), new Float64Array([1, 2, 3]), [3]);
    const frozen = copyFrame(buffer.frame());
    buffer.append(xs(3, 3), new Float64Array([4, 5, 6]), [3]);
    expect([...frozen.series[0]!.y]).toEqual([1, 2, 3]);
  });
});
