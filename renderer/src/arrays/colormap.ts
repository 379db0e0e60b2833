/** Viridis (matplotlib's default): perceptually uniform and readable in greyscale; 9 stops, interpolated. */
const VIRIDIS_STOPS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

const LUT_SIZE = 256;

/** 256 RGB triples, flat. */
export const VIRIDIS: Uint8Array = (() => {
  const lut = new Uint8Array(LUT_SIZE * 3);
  const last = VIRIDIS_STOPS.length - 1;
  for (let i = 0; i < LUT_SIZE; i++) {
    const position = (i / (LUT_SIZE - 1)) * last;
    const lower = Math.min(Math.floor(position), last - 1);
    const t = position - lower;
    for (let channel = 0; channel < 3; channel++) {
      const a = VIRIDIS_STOPS[lower]![channel]!;
      const b = VIRIDIS_STOPS[lower + 1]![channel]!;
      lut[i * 3 + channel] = Math.round(a + (b - a) * t);
    }
  }
  return lut;
})();

/**
 * RGBA pixels for values on a min..max colour scale; values outside clamp to the ends, NaN is
 * transparent. A constant array (min = max) takes the middle colour.
 */
export function colorize(values: ArrayLike<number>, min: number, max: number, lut: Uint8Array = VIRIDIS): Uint8ClampedArray<ArrayBuffer> {
  const pixels = new Uint8ClampedArray(values.length * 4);
  const levels = lut.length / 3 - 1;
  const scale = max > min ? levels / (max - min) : 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (Number.isNaN(value)) continue;
    const level = scale ? Math.round(Math.min(levels, Math.max(0, (value - min) * scale))) : Math.round(levels / 2);
    pixels[i * 4] = lut[level * 3]!;
    pixels[i * 4 + 1] = lut[level * 3 + 1]!;
    pixels[i * 4 + 2] = lut[level * 3 + 2]!;
    pixels[i * 4 + 3] = 255;
  }
  return pixels;
}
