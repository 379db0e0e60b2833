import { describe, expect, it } from 'vitest';
import { fftSize, sampleRateOf, spectrum } from './spectrum.js';

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
