import {
  interpolateCividis,
  interpolateGreys,
  interpolateInferno,
  interpolateMagma,
  interpolatePlasma,
  interpolateTurbo,
  interpolateViridis,
} from 'd3-scale-chromatic';

/** The colour maps offered: perceptually uniform ones (and turbo, for those who want a rainbow that reads in order). */
export const COLOUR_MAPS = {
  viridis: interpolateViridis,
  magma: interpolateMagma,
  inferno: interpolateInferno,
  plasma: interpolatePlasma,
  cividis: interpolateCividis,
  turbo: interpolateTurbo,
  greys: (t: number) => interpolateGreys(1 - t),
} as const;
export type ColourMapName = keyof typeof COLOUR_MAPS;
export const COLOUR_MAP_NAMES = Object.keys(COLOUR_MAPS) as ColourMapName[];

export function isColourMapName(name: string): name is ColourMapName {
  return name in COLOUR_MAPS;
}

type Rgb = readonly [number, number, number];

/** Colours of values a map cannot place: NaN, +Inf, -Inf. */
export interface SpecialColours {
  nan: Rgb;
  positiveInfinity: Rgb;
  negativeInfinity: Rgb;
}

export const DEFAULT_SPECIAL_COLOURS: SpecialColours = {
  nan: [60, 60, 60],
  positiveInfinity: [255, 255, 255],
  negativeInfinity: [255, 0, 255],
};

const LUT_SIZE = 256;
const luts = new Map<ColourMapName, Uint8Array>();

/** `#rrggbb` or `rgb(r, g, b)` (what d3's interpolators return) as numbers. */
export function parseColour(colour: string): Rgb {
  if (colour.startsWith('#')) {
    const value = Number.parseInt(colour.slice(1, 7), 16);
    return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
  }
  const [r = 0, g = 0, b = 0] = (colour.match(/\d+(\.\d+)?/g) ?? []).map(Number);
  return [Math.round(r), Math.round(g), Math.round(b)];
}

/** 256 RGB triples of a map, flat, made once. */
export function colourLut(name: ColourMapName): Uint8Array {
  let lut = luts.get(name);
  if (!lut) {
    lut = new Uint8Array(LUT_SIZE * 3);
    for (let i = 0; i < LUT_SIZE; i++) lut.set(parseColour(COLOUR_MAPS[name](i / (LUT_SIZE - 1))), i * 3);
    luts.set(name, lut);
  }
  return lut;
}

/**
 * Writes RGBA pixels for `values` on the scale min..max into `pixels` at `offset` (in pixels):
 * values outside clamp to the ends, NaN and ±Inf get their special colours, and a constant
 * range (min = max) takes the map's middle colour.
 */
export function colourize(
  values: ArrayLike<number>,
  min: number,
  max: number,
  lut: Uint8Array,
  pixels: Uint8ClampedArray,
  offset = 0,
  special: SpecialColours = DEFAULT_SPECIAL_COLOURS,
): void {
  const levels = lut.length / 3 - 1;
  const scale = max > min ? levels / (max - min) : 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    const p = (offset + i) * 4;
    pixels[p + 3] = 255;
    if (!Number.isFinite(value)) {
      const colour = Number.isNaN(value) ? special.nan : value > 0 ? special.positiveInfinity : special.negativeInfinity;
      pixels[p] = colour[0];
      pixels[p + 1] = colour[1];
      pixels[p + 2] = colour[2];
      continue;
    }
    const level = scale ? Math.round(Math.min(levels, Math.max(0, (value - min) * scale))) : levels >> 1;
    pixels[p] = lut[level * 3]!;
    pixels[p + 1] = lut[level * 3 + 1]!;
    pixels[p + 2] = lut[level * 3 + 2]!;
  }
}
