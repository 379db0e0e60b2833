import { describe, expect, it } from 'vitest';
import { fftSize, sampleRateOf, settledDecades, spectrum } from './spectrum.js';

describe('spectrum', () => {
  const rate = 1000;
  const n = 4096;
  // 2.5 × sin at 125 Hz (exactly on a bin: 125 = 512 × 1000 / 4096) plus 0.5 × sin at 250 Hz and an offset.
  const signal = Float64Array.from(
    { length: n },
    (_, i) => 3 + 2.5 * Math.sin((2 * Math.PI * 125 * i) / rate) + 0.5 * Math.sin((2 * Math.PI * 250 * i) / rate),
  );

  it('reads a sine amplitude at its frequency', () => {
    const result = spectrum(signal, rate, 'amplitude')!;
    expect(result.size).toBe(4096);
    const peak = result.value.indexOf(Math.max(...result.value));
    expect(result.frequency[peak]).toBeCloseTo(125, 6);
    expect(result.value[peak]).toBeCloseTo(2.5, 6);
    expect(result.value[result.frequency.indexOf(250)]).toBeCloseTo(0.5, 6);
    // The mean is removed: nothing at DC.
    expect(result.value[0]).toBeLessThan(1e-9);
  });

  it('gives a PSD that integrates to the variance', () => {
    const result = spectrum(signal, rate, 'psd')!;
    const binWidth = rate / result.size;
    const power = result.value.reduce((sum, value) => sum + value * binWidth, 0);
    expect(power).toBeCloseTo(2.5 ** 2 / 2 + 0.5 ** 2 / 2, 2);
  });

  it('uses the newest power of two samples, and refuses too few', () => {
    expect(fftSize(5000)).toBe(4096);
    expect(spectrum(new Float64Array(3), rate, 'amplitude')).toBeUndefined();
  });

  it('estimates the sample rate from sample times', () => {
    expect(sampleRateOf(Float64Array.from({ length: 1000 }, (_, i) => 1.7e9 + i / 250))).toBeCloseTo(250, 1);
  });
});

describe('settledDecades', () => {
  it('fits whole decades around the positive values', () => {
    expect(settledDecades(undefined, 3e-7, 0.2)).toEqual({ min: 1e-7, max: 1 });
    expect(settledDecades(undefined, 1e-3, 1e-3)).toEqual({ min: 1e-3, max: 1e-2 });
  });

  it('keeps the axis while the lowest bins wander inside it', () => {
    const axis = settledDecades(undefined, 3e-7, 0.2)!;
    expect(settledDecades(axis, 2e-6, 0.5)).toBe(axis);
    expect(settledDecades(axis, 5e-5, 0.05)).toBe(axis);
  });

  it('refits when a value leaves the axis or the axis is mostly empty', () => {
    const axis = { min: 1e-7, max: 1 };
    expect(settledDecades(axis, 5e-8, 0.2)).toEqual({ min: 1e-8, max: 1 });
    expect(settledDecades(axis, 1e-6, 3)).toEqual({ min: 1e-6, max: 10 });
    expect(settledDecades(axis, 2e-4, 0.2)).toEqual({ min: 1e-4, max: 1 });
    expect(settledDecades(axis, 1e-6, 2e-3)).toEqual({ min: 1e-6, max: 1e-2 });
  });

  it('autoscales when nothing is positive', () => {
    expect(settledDecades({ min: 1, max: 10 }, Infinity, -Infinity)).toBeUndefined();
    expect(settledDecades(undefined, 0, 0)).toBeUndefined();
  });
});
