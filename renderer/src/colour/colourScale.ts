import {
  interpolateCividis,
  interpolateInferno,
  interpolateMagma,
  interpolatePlasma,
  interpolateRdBu,
  interpolateTurbo,
  interpolateViridis,
} from 'd3-scale-chromatic';

/**
 * Colour maps and colour ranges for images of numbers: a value in [min, max] maps to one of 256
 * colours of a d3 colour map; values outside clamp to the ends; NaN, +Inf and -Inf have colours
 * of their own (shown in the legend); bool arrays use two colours. DOM-free.
 */

const INTERPOLATORS = {
  viridis: interpolateViridis,
  magma: interpolateMagma,
  inferno: interpolateInferno,
  plasma: interpolatePlasma,
  cividis: interpolateCividis,
  turbo: interpolateTurbo,
  // Reversed so that low is blue and high is red, as people read temperature.
  'red-blue': (t: number) => interpolateRdBu(1 - t),
} as const;

export type ColourMapName = keyof typeof INTERPOLATORS;
export const COLOUR_MAPS = Object.keys(INTERPOLATORS) as ColourMapName[];

export type Rgba = readonly [number, number, number, number];

/** Colours of the values no map position fits; they stay distinct from every map's ends. */
export const SPECIAL_COLOURS = {
  nan: [255, 0, 255, 255] as Rgba,
  posInf: [255, 255, 255, 255] as Rgba,
  negInf: [0, 0, 0, 255] as Rgba,
  false: [43, 47, 54, 255] as Rgba,
  true: [246, 213, 92, 255] as Rgba,
} as const;

const LUT_SIZE = 256;
const luts = new Map<ColourMapName, Uint8Array>();

function parseCssColour(css: string): [number, number, number] {
  if (css.startsWith('#')) {
    const value = Number.parseInt(css.slice(1), 16);
    return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
  }
  const [r, g, b] = (css.match(/\d+(\.\d+)?/g) ?? ['0', '0', '0']).map(Number);
  return [r!, g!, b!];
}

/** 256 RGB triples, flat, low to high. */
export function colourLut(name: ColourMapName): Uint8Array {
  let lut = luts.get(name);
  if (!lut) {
    lut = new Uint8Array(LUT_SIZE * 3);
    for (let i = 0; i < LUT_SIZE; i++) lut.set(parseCssColour(INTERPOLATORS[name](i / (LUT_SIZE - 1))), i * 3);
    luts.set(name, lut);
  }
  return lut;
}

/** How the colour range is chosen: percentiles of the finite values shown (1–99 by default, so outliers don't wash it out) or fixed. */
export type RangeMode =
  | { readonly kind: 'percentile'; readonly low: number; readonly high: number }
  | { readonly kind: 'fixed'; readonly min: number; readonly max: number };
export const DEFAULT_RANGE: RangeMode = { kind: 'percentile', low: 1, high: 99 };

export interface ColourRange {
  readonly min: number;
  readonly max: number;
}

/** Values sorted for percentiles: at most this many, evenly picked, so a large image costs the same. */
const PERCENTILE_SAMPLE = 1 << 18;

/** The range a mode gives for these values; NaN bounds when there are no finite values. */
export function resolveRange(values: ArrayLike<number>, mode: RangeMode): ColourRange {
  if (mode.kind === 'fixed') return { min: mode.min, max: mode.max };
  const step = Math.max(1, values.length / PERCENTILE_SAMPLE);
  const finite: number[] = [];
  for (let i = 0; i < values.length; i += step) {
    const v = values[Math.floor(i)]!;
    if (Number.isFinite(v)) finite.push(v);
  }
  if (finite.length === 0) return { min: NaN, max: NaN };
  const sorted = Float64Array.from(finite).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round((p / 100) * (sorted.length - 1))))]!;
  return { min: at(mode.low), max: at(mode.high) };
}

export interface ColourScale {
  readonly map: ColourMapName;
  readonly range: ColourRange;
  /** Two colours (false, true) instead of a map. */
  readonly bool?: boolean;
}

/**
 * RGBA pixels for `values` (row-major, as drawn). A constant range (min = max) takes the middle
 * colour; a range with no finite bound paints finite values the middle colour too.
 */
export function colourize(values: ArrayLike<number>, scale: ColourScale): Uint8ClampedArray<ArrayBuffer> {
  const pixels = new Uint8ClampedArray(values.length * 4);
  const put = (i: number, [r, g, b, a]: Rgba) => {
    pixels[i * 4] = r;
    pixels[i * 4 + 1] = g;
    pixels[i * 4 + 2] = b;
    pixels[i * 4 + 3] = a;
  };
  const lut = colourLut(scale.map);
  const { min, max } = scale.range;
  const levels = LUT_SIZE - 1;
  const factor = max > min ? levels / (max - min) : 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== v) put(i, SPECIAL_COLOURS.nan);
    else if (scale.bool) put(i, v ? SPECIAL_COLOURS.true : SPECIAL_COLOURS.false);
    else if (v === Infinity) put(i, SPECIAL_COLOURS.posInf);
    else if (v === -Infinity) put(i, SPECIAL_COLOURS.negInf);
    else {
      const level = factor ? Math.round(Math.min(levels, Math.max(0, (v - min) * factor))) : levels >> 1;
      pixels[i * 4] = lut[level * 3]!;
      pixels[i * 4 + 1] = lut[level * 3 + 1]!;
      pixels[i * 4 + 2] = lut[level * 3 + 2]!;
      pixels[i * 4 + 3] = 255;
    }
  }
  return pixels;
}

/** `rgb(r, g, b)` for CSS. */
export function cssColour([r, g, b]: Rgba | readonly [number, number, number]): string {
  return `rgb(${r}, ${g}, ${b})`;
}
