/**
 * Deterministic mutations of valid `.npy` files for fuzzing: bit flips, truncation, junk, and
 * targeted header edits (versions, lengths, shapes, dtypes) that a byte-level fuzzer rarely finds.
 */
export type Random = () => number;

/** mulberry32: small, seedable, good enough to spread mutations. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const int = (random: Random, below: number): number => Math.floor(random() * below);

const HEADER_EDITS: readonly [RegExp, readonly string[]][] = [
  [
    /'shape': \([^)]*\)/,
    [
      "'shape': (99999999999, 99999999999)",
      "'shape': (-1,)",
      "'shape': (3.5,)",
      "'shape': ()",
      "'shape': (0,)",
      "'shape': [3]",
      "'shape': (1,)*40",
      "'shape': ((3,),)",
      "'shape': (2**62,)",
      "'shape': ('3',)",
    ],
  ],
  [
    /'descr': '[^']*'/,
    [
      "'descr': '|O'",
      "'descr': '<U8'",
      "'descr': '|V16'",
      "'descr': [('a', '<i4')]",
      "'descr': '<M8[s]'",
      "'descr': '<f16'",
      "'descr': 'f8'",
      "'descr': '<c32'",
      "'descr': ''",
      "'descr': '>b1'",
    ],
  ],
  [/'fortran_order': \w+/, ["'fortran_order': 1", "'fortran_order': None", "'fortran_order': 'True'", "'fortran_order': Tru"]],
  [/\{/, ['{{', '[', "{'extra': 1, ", '{__import__("os").system("true"), ']],
  [/\}/, ['', '}}', ', }', ']']],
];

function replaceHeaderText(file: Uint8Array, random: Random): Uint8Array {
  const text = new TextDecoder('latin1').decode(file.subarray(0, Math.min(file.length, 4096)));
  const start = text.indexOf('{');
  const end = text.indexOf('\n', start);
  if (start < 0 || end < 0) return file;
  const [pattern, replacements] = pick(random, HEADER_EDITS);
  const header = text.slice(start, end).replace(pattern, pick(random, replacements));
  const bytes = Uint8Array.from(header, (c) => c.charCodeAt(0) & 0xff);
  const out = new Uint8Array(start + bytes.length + 1 + file.length - end - 1);
  out.set(file.subarray(0, start), 0);
  out.set(bytes, start);
  out[start + bytes.length] = 0x0a;
  out.set(file.subarray(end + 1), start + bytes.length + 1);
  // Usually keep the length field honest so the edit reaches the header parser.
  if (random() < 0.8 && file[6] === 1) new DataView(out.buffer).setUint16(8, bytes.length + 1 + (start - 10), true);
  return out;
}

const MUTATIONS: readonly ((file: Uint8Array, random: Random) => Uint8Array)[] = [
  (file, random) => {
    const out = file.slice();
    for (let i = 1 + int(random, 8); i > 0; i--) out[int(random, out.length)]! ^= 1 << int(random, 8);
    return out;
  },
  (file, random) => file.slice(0, int(random, file.length)),
  (file, random) => {
    const junk = new Uint8Array(1 + int(random, 64)).map(() => int(random, 256));
    const out = new Uint8Array(file.length + junk.length);
    out.set(file);
    out.set(junk, file.length);
    return out;
  },
  (file, random) => {
    const out = file.slice();
    if (out.length < 8) return out;
    out[6] = pick(random, [0, 2, 3, 4, 255]);
    out[7] = pick(random, [0, 0, 1]);
    return out;
  },
  (file, random) => {
    const out = file.slice();
    if (out.length < 10) return out;
    new DataView(out.buffer).setUint16(8, pick(random, [0, 1, 0xffff, 10_001, int(random, 0x10000)]), true);
    return out;
  },
  (file, random) => {
    const out = file.slice();
    out.fill(pick(random, [0, 0xff, 0x27, 0x7b]), 10 + int(random, 40), 10 + int(random, 120));
    return out;
  },
  replaceHeaderText,
  replaceHeaderText,
  replaceHeaderText,
];

/** One mutant of a random seed file; a mutant may still be valid (e.g. a flipped data bit). */
export function mutate(seeds: readonly Uint8Array[], random: Random): Uint8Array {
  let file = pick(random, seeds);
  for (let rounds = 1 + int(random, 2); rounds > 0; rounds--) file = pick(random, MUTATIONS)(file, random);
  return file;
}
