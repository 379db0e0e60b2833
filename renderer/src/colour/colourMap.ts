import {
  interpolateCividis,
  interpolateGreys,
  interpolateInferno,
  interpolateMagma,
  interpolatePlasma,
  interpolateRdBu,
  interpolateTurbo,
  interpolateViridis,
} from 'd3-scale-chromatic';
import type { ColourRange } from './colourRange.js';

/**
 * Colour maps for images of numbers, shared by the workspace's image/waterfall panel and the array
 * viewer's heatmap: a value in [min, max] maps to one of 256 colours of a d3 colour map; values
 * outside clamp to the ends; NaN, +Inf and -Inf have colours of their own (shown in the legend);
 * bool arrays use two colours. DOM-free.
 */

/** Perceptually uniform maps, turbo for those who want a rainbow that reads in order, and two reversed ones. */
const INTERPOLATORS = {
  viridis: interpolateViridis,
  magma: interpolateMagma,
  inferno: interpolateInferno,
  plasma: interpolatePlasma,
  cividis: interpolateCividis,
  turbo: interpolateTurbo,
  // Reversed so that low is dark, as on a photograph.
  greys: (t: number) => interpolateGreys(1 - t),
  // Reversed so that low is blue and high is red, as people read temperature.
  'red-blue': (t: number) => interpolateRdBu(1 - t),
} as const;

export type ColourMapName = keyof typeof INTERPOLATORS;
export const COLOUR_MAP_NAMES = Object.keys(INTERPOLATORS) as ColourMapName[];

export function isColourMapName(name: string): name is ColourMapName {
  return name in INTERPOLATORS;
}

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

/** `#rrggbb` or `rgb(r, g, b)` (what d3's interpolators return) as numbers. */
export function parseColour(css: string): [number, number, number] {
  if (css.startsWith('#')) {
    const value = Number.parseInt(css.slice(1, 7), 16);
    return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
  }
  const [r = 0, g = 0, b = 0] = (css.match(/\d+(\.\d+)?/g) ?? []).map(Number);
  return [Math.round(r), Math.round(g), Math.round(b)];
}

/** 256 RGB triples of a map, flat, low to high, made once. */
export function colourLut(name: ColourMapName): Uint8Array {
  let lut = luts.get(name);
  if (!lut) {
    lut = new Uint8Array(LUT_SIZE * 3);
    for (let i = 0; i < LUT_SIZE; i++) lut.set(parseColour(INTERPOLATORS[name](i / (LUT_SIZE - 1))), i * 3);
    luts.set(name, lut);
  }
  return lut;
}

/** The RGB of a map at `fraction` (0 = low end, 1 = high end). */
export function lutColour(lut: Uint8Array, fraction: number): [number, number, number] {
  const level = Math.round(fraction * (LUT_SIZE - 1)) * 3;
  return [lut[level]!, lut[level + 1]!, lut[level + 2]!];
}

export interface ColourScale {
  readonly map: ColourMapName;
  readonly range: ColourRange;
  /** Two colours (false, true) instead of a map. */
  readonly bool?: boolean;
}

/**
 * RGBA pixels for `values` (row-major, as drawn), written into `pixels` (a new array by default).
 * A constant range (min = max) takes the middle colour; a range with no finite bound paints finite
 * values the middle colour too.
 */
export function colourize(
  values: ArrayLike<number>,
  scale: ColourScale,
  pixels: Uint8ClampedArray<ArrayBuffer> = new Uint8ClampedArray(values.length * 4),
): Uint8ClampedArray<ArrayBuffer> {
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

/** How many values of each special kind there are: what the legend lists beside the ramp. */
export interface SpecialCounts {
  readonly nan: number;
  readonly posInf: number;
  readonly negInf: number;
}

export function countSpecial(values: ArrayLike<number>): SpecialCounts {
  let nan = 0;
  let posInf = 0;
  let negInf = 0;
  // Indexed, not `for...of`: a typed array's iterator costs about ten times as much per value.
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== v) nan++;
    else if (v === Infinity) posInf++;
    else if (v === -Infinity) negInf++;
  }
  return { nan, posInf, negInf };
}

/** `rgb(r, g, b)` for CSS. */
export function cssColour([r, g, b]: Rgba | readonly [number, number, number]): string {
  return `rgb(${r}, ${g}, ${b})`;
}
