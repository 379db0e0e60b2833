import FFT from 'fft.js';
import type { XRange } from './timeAxis.js';

export type SpectrumScale = 'amplitude' | 'psd';

export interface Spectrum {
  /** Frequencies in Hz, 0 to Nyquist. */
  frequency: Float64Array;
  /** Amplitude (the signal's units) or power spectral density (units² / Hz). */
  value: Float64Array;
  /** Samples transformed (a power of two). */
  size: number;
}

const MAX_SIZE = 1 << 16;

/** What every transform of one size shares (the panels redraw many times a second): the FFT, its Hann window and buffers. */
interface Transform {
  fft: FFT;
  hann: Float64Array;
  windowSum: number;
  windowSquares: number;
  input: Float64Array;
  out: number[];
  frequency: Float64Array;
  value: Float64Array;
}
const transforms = new Map<number, Transform>();

function prepare(size: number): Transform {
  const fft = new FFT(size);
  const hann = Float64Array.from({ length: size }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size));
  const windowSum = hann.reduce((sum, w) => sum + w, 0);
  const windowSquares = hann.reduce((sum, w) => sum + w * w, 0);
  const bins = size / 2 + 1;
  return {
    fft,
    hann,
    windowSum,
    windowSquares,
    input: new Float64Array(size),
    out: fft.createComplexArray(),
    frequency: new Float64Array(bins),
    value: new Float64Array(bins),
  };
}

/** The largest power of two not above `n` (and not above 65,536). */
export function fftSize(n: number): number {
  let size = 1;
  while (size * 2 <= Math.min(n, MAX_SIZE)) size *= 2;
  return size;
}

/**
 * The one-sided spectrum of the newest power-of-two samples of `values` taken at `sampleRate`,
 * mean removed and Hann-windowed: a sine of amplitude A reads A at its frequency in `amplitude`;
 * `psd` integrates to the signal's variance. Non-finite samples count as the mean. Undefined for
 * fewer than 4 samples. Its arrays are reused by the next spectrum of the same size.
 */
export function spectrum(values: Float64Array, sampleRate: number, scale: SpectrumScale): Spectrum | undefined {
  const size = fftSize(values.length);
  if (size < 4 || !(sampleRate > 0)) return undefined;
  const samples = values.subarray(values.length - size);
  let sum = 0;
  let finite = 0;
  for (const value of samples) {
    if (Number.isFinite(value)) {
      sum += value;
      finite++;
    }
  }
  const mean = finite ? sum / finite : 0;
  let transform = transforms.get(size);
  if (!transform) transforms.set(size, (transform = prepare(size)));
  const { fft, hann, windowSum, windowSquares, input, out, frequency, value } = transform;
  for (let i = 0; i < size; i++) {
    const value = samples[i]!;
    input[i] = (Number.isFinite(value) ? value - mean : 0) * hann[i]!;
  }
  fft.realTransform(out, input);
  const bins = size / 2 + 1;
  for (let k = 0; k < bins; k++) {
    const power = out[2 * k]! ** 2 + out[2 * k + 1]! ** 2;
    // One-sided: every bin but DC and Nyquist also holds its negative-frequency twin.
    const sides = k === 0 || k === size / 2 ? 1 : 2;
    frequency[k] = (k * sampleRate) / size;
    value[k] = scale === 'amplitude' ? (sides * Math.sqrt(power)) / windowSum : (sides * power) / (sampleRate * windowSquares);
  }
  return { frequency, value, size };
}

/** Spacings `sampleRateOf` takes the median of; reused, as panels ask every frame. */
const GAPS = new Float64Array(256);

/** Samples per second from sample times: the median spacing, robust to gaps between packets. */
export function sampleRateOf(times: Float64Array): number {
  if (times.length < 2) return NaN;
  const step = Math.max(1, Math.floor(times.length / GAPS.length));
  let count = 0;
  for (let i = step; i < times.length && count < GAPS.length; i += step) GAPS[count++] = (times[i]! - times[i - step]!) / step;
  // A typed array sorts numerically, in native code.
  const median = GAPS.subarray(0, count).sort()[count >> 1]!;
  return median > 0 ? 1 / median : NaN;
}

/** Decades a log spectrum's axis may reach below its lowest value before it is fitted again. */
const SPARE_DECADES_BELOW = 2;

/**
 * A log spectrum's y axis: whole decades around the lowest and highest positive values (`lo`,
 * `hi`), kept while the values stay inside it and reach to within two decades of its bottom and
 * one of its top. The lowest bins of a spectrum jump by orders of magnitude from frame to frame;
 * an axis fitted to them would change, and be laid out again, on nearly every frame. Undefined
 * (autoscale) when no value is positive.
 */
export function settledDecades(previous: XRange | undefined, lo: number, hi: number): XRange | undefined {
  if (!(lo > 0 && hi >= lo && Number.isFinite(hi))) return undefined;
  const bottom = Math.floor(Math.log10(lo));
  const top = Math.max(bottom + 1, Math.ceil(Math.log10(hi)));
  if (previous) {
    const previousBottom = Math.round(Math.log10(previous.min));
    const previousTop = Math.round(Math.log10(previous.max));
    const inside = bottom >= previousBottom && top <= previousTop;
    if (inside && bottom - previousBottom <= SPARE_DECADES_BELOW && previousTop - top <= 1) return previous;
  }
  // `1e-4` as written is the double nearest 10⁻⁴; `10 ** -4` is not.
  return { min: Number(`1e${bottom}`), max: Number(`1e${top}`) };
}
