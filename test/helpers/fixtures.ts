/**
 * The `.npy` fixtures written by real numpy (test/fixtures/make_fixtures.py) and exact comparison of
 * our JSON output with the tagged `tolist()` values in expected.json.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** A number as expected.json tags it: "i:<digits>", "f:<python repr>", "f:NaN", "f:Infinity", "f:-Infinity". */
export type Tagged = string | boolean | Tagged[];

export interface ValidExpectation {
  /** `str(array.dtype)`: a name such as `float64`, or the descriptor (`>f8`) for non-native byte order. */
  dtype: string;
  descr: string;
  /** `array.dtype.name`, the same for both byte orders: `float64`. */
  name: string;
  shape: number[];
  fortran_order: boolean;
  version: number;
  data: Tagged;
  note: string;
}

export type InvalidReason = 'magic' | 'short' | 'version' | 'header' | 'literal' | 'keys' | 'shape' | 'fortran' | 'dtype' | 'length';

interface Expected {
  valid: Record<string, ValidExpectation>;
  invalid: Record<string, { reason: InvalidReason }>;
}

export const expected = JSON.parse(readFileSync(`${FIXTURES_DIR}expected.json`, 'utf8')) as Expected;

export const validNames = Object.keys(expected.valid).sort();
export const invalidNames = Object.keys(expected.invalid).sort();

export function fixturePath(kind: 'valid' | 'invalid', name: string): string {
  return `${FIXTURES_DIR}${kind}/${name}.npy`;
}

export function fixtureBytes(kind: 'valid' | 'invalid', name: string): Uint8Array {
  const buf = readFileSync(fixturePath(kind, name));
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Every fixture file on disk has an entry in expected.json and the reverse. */
export function fixtureFilesOnDisk(kind: 'valid' | 'invalid'): string[] {
  return readdirSync(`${FIXTURES_DIR}${kind}`)
    .filter((f) => f.endsWith('.npy'))
    .map((f) => f.slice(0, -4))
    .sort();
}

// ---- exact comparison of JSON number tokens ----

/** Prefix marking a JSON number token from our output once it has been turned into a string. */
const NUM = '\u0000num:';

/**
 * Parses JSON text with every bare number token turned into the string `NUM + token`, so 64-bit
 * integers and float digits survive exactly (a plain JSON.parse would round int64 to a double).
 */
export function parseJsonExact(text: string): unknown {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      // Copy a string token verbatim, escapes included.
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/.exec(text.slice(i, i + 400));
      if (!match) throw new Error(`bad number token at offset ${i}`);
      out += JSON.stringify(NUM + match[0]);
      i += match[0].length;
    } else {
      out += ch;
      i++;
    }
  }
  return JSON.parse(out);
}

function numberToken(value: unknown): string | undefined {
  return typeof value === 'string' && value.startsWith(NUM) ? value.slice(NUM.length) : undefined;
}

const SPECIAL: Record<string, string> = { NaN: 'f:NaN', Infinity: 'f:Infinity', '-Infinity': 'f:-Infinity' };

/**
 * Compares a value from parseJsonExact with expected.json's tagged tolist():
 * integers must have identical digits and be written as integers; floats must be written as floats
 * (a `.` or exponent, so Python reads them back as float) and denote the same double, -0.0 included;
 * NaN and ±Inf must be the documented strings. Returns the path of the first difference, or undefined.
 */
export function diffTagged(ours: unknown, want: Tagged, path = '$'): string | undefined {
  if (Array.isArray(want)) {
    if (!Array.isArray(ours)) return `${path}: expected a list, got ${JSON.stringify(ours)}`;
    if (ours.length !== want.length) return `${path}: expected ${want.length} items, got ${ours.length}`;
    for (let k = 0; k < want.length; k++) {
      const d = diffTagged(ours[k], want[k]!, `${path}[${k}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (typeof want === 'boolean') return ours === want ? undefined : `${path}: expected ${want}, got ${JSON.stringify(ours)}`;
  const token = numberToken(ours);
  if (want.startsWith('i:')) {
    if (token === undefined || !/^-?\d+$/.test(token)) return `${path}: expected integer ${want}, got ${JSON.stringify(ours)}`;
    return token === want.slice(2) ? undefined : `${path}: expected ${want.slice(2)}, got ${token}`;
  }
  if (!want.startsWith('f:')) throw new Error(`bad tag ${want}`);
  if (typeof ours === 'string' && token === undefined) {
    return SPECIAL[ours] === want ? undefined : `${path}: expected ${want}, got string ${JSON.stringify(ours)}`;
  }
  if (token === undefined) return `${path}: expected float ${want}, got ${JSON.stringify(ours)}`;
  if (!/[.eE]/.test(token)) return `${path}: float ${token} is written like an integer`;
  const repr = want.slice(2);
  if (repr in SPECIAL) return `${path}: expected ${want}, got number ${token}`;
  return Object.is(Number(token), Number(repr)) ? undefined : `${path}: expected ${repr}, got ${token}`;
}

export function expectMatchesTagged(ours: unknown, want: Tagged): void {
  expect(diffTagged(ours, want)).toBeUndefined();
}

/** Flattens a tagged tolist() in C order; complex pairs stay pairs. */
export function flattenTagged(value: Tagged, complex: boolean): Tagged[] {
  if (!Array.isArray(value)) return [value];
  if (complex && value.length === 2 && !Array.isArray(value[0])) return [value];
  return value.flatMap((v) => flattenTagged(v, complex));
}

/** The exact value a tag stands for: bigint for integers, number for floats, 1/0 for bools. */
export function tagValue(tag: Tagged): number | bigint {
  if (typeof tag === 'boolean') return tag ? 1 : 0;
  if (Array.isArray(tag)) throw new Error('not a scalar tag');
  if (tag.startsWith('i:')) return BigInt(tag.slice(2));
  return Number(tag.slice(2));
}
