import { describe, expect, it } from 'vitest';
import { LiveBuffer } from './liveBuffer.js';
import { STATS_PER_SERIES, liveChartData, transferables } from './liveChartData.js';

function filledBuffer(points: number, series = 1, capacity = 100_000): LiveBuffer {
  const buffer = new LiveBuffer(capacity, 10);
  const x = Float64Array.from({ length: points }, (_, i) => i / 10);
  const y = Float64Array.from({ length: series * points }, (_, i) => Math.sin(i / 7) + Math.floor(i / points));
  buffer.append(x, y, series === 1 ? [points] : [series, points]);
  return buffer;
}

const widths = { signal: 100, stats: 100 };

describe('liveChartData', () => {
  it('draws every point of a short window, the sample axis spanning the whole window', () => {
    const frame = filledBuffer(50).frame();
    const { data, pointsShown } = liveChartData(frame, { xAxis: 'sample', capacity: 1000, rollingWindow: 10 }, widths);
    expect(pointsShown).toBe(50);
    expect(data.signal).toHaveLength(1);
    expect(Array.from(data.signal[0]!.y)).toEqual(Array.from(frame.series[0]!.y));
    expect(data.signal[0]!.x[49]).toBe(49);
    expect(data).toMatchObject({
      xTitle: 'sample #',
      statsTitle: 'rolling mean ± std (10 points)',
      xRange: { min: 0, max: 999 },
      normalized: true,
    });
  });

  it('has three statistics lines per series: mean, mean + std, mean − std', () => {
    const frame = filledBuffer(50, 2).frame();
    const { data } = liveChartData(frame, { xAxis: 'sample', capacity: 1000, rollingWindow: 10 }, widths);
    expect(data.signal).toHaveLength(2);
    expect(data.stats).toHaveLength(2 * STATS_PER_SERIES);
    const { mean, std } = frame.series[1]!;
    const [meanLine, upper, lower] = data.stats.slice(STATS_PER_SERIES);
    expect(meanLine!.y[20]).toBe(mean[20]);
    expect(upper!.y[20]).toBe(mean[20]! + std[20]!);
    expect(lower!.y[20]).toBe(mean[20]! - std[20]!);
  });

  it('decimates to about two points per pixel column of each plot', () => {
    const frame = filledBuffer(100_000).frame();
    const { data, pointsShown } = liveChartData(
      frame,
      { xAxis: 'sample', capacity: 100_000, rollingWindow: 10 },
      { signal: 500, stats: 200 },
    );
    expect(pointsShown).toBe(100_000);
    expect(data.signal[0]!.x.length).toBeLessThanOrEqual(2 * 500);
    for (const line of data.stats) expect(line.x.length).toBeLessThanOrEqual(2 * 200);
  });

  it('shows a zoomed sample range widened to whole samples', () => {
    const frame = filledBuffer(1000).frame();
    const { data, pointsShown } = liveChartData(
      frame,
      { xAxis: 'sample', capacity: 1000, rollingWindow: 10, range: { min: 99.5, max: 200.2 } },
      widths,
    );
    expect(pointsShown).toBe(101);
    expect(data.xRange).toEqual({ min: 99, max: 201 });
  });

  it('plots the x sent, fitting the axis to it, in any order', () => {
    const frame = filledBuffer(50).frame();
    const { data } = liveChartData(frame, { xAxis: 'x', capacity: 1000, rollingWindow: 10 }, widths);
    expect(data.signal[0]!.x[10]).toBe(1);
    expect(data).toMatchObject({ xTitle: 'x', xRange: undefined, normalized: false });
  });

  it('lists each line buffer once for transfer', () => {
    const { data } = liveChartData(filledBuffer(50, 3).frame(), { xAxis: 'sample', capacity: 1000, rollingWindow: 10 }, widths);
    const buffers = transferables(data);
    expect(buffers).toHaveLength(2 * (3 + 3 * STATS_PER_SERIES));
    expect(new Set(buffers).size).toBe(buffers.length);
  });
});
