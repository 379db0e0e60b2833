import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkDataLength, decodeNpy, encodeNpy } from '../common/npy/codec.js';
import { dtypeFromName, parseDescr } from '../common/npy/dtype.js';
import { float16ToNumber } from '../common/npy/elements.js';
import { NpyError } from '../common/npy/errors.js';
import { encodeNpyHeader, parseNpyHeader } from '../common/npy/header.js';
import { formatFloat, jsonDataChunks } from '../common/npy/json.js';
import { PyDict, PyTuple, parsePyLiteral } from '../common/npy/pyliteral.js';
import { type NumericArray, toTypedArray, typedArrayToNpy } from '../common/npy/typed.js';
import {
  type InvalidReason,
  type Tagged,
  diffTagged,
  expected,
  fixtureBytes,
  fixtureFilesOnDisk,
  flattenTagged,
  invalidNames,
  parseJsonExact,
  tagValue,
  validNames,
} from './helpers/fixtures.js';
import { PY_TAGGED, runPython } from './helpers/python.js';

/** A word (or phrase) each category's error message must contain, so the user learns what is wrong. */
const REASON_PATTERN: Record<InvalidReason, RegExp> = {
  magic: /magic/i,
  short: /too short/i,
  version: /version/i,
  header: /header.*limit/i,
  literal: /literal/i,
  keys: /keys/i,
  shape: /shape/i,
  fortran: /fortran_order/i,
  dtype: /dtype/i,
  length: /data/i,
};

function jsonOf(bytes: Uint8Array): string {
  const { header, data } = decodeNpy(bytes);
  return [...jsonDataChunks(header, data)].join('');
}

function headerBytes(text: string, version: 1 | 2 | 3 = 1): Uint8Array {
  const prefix = version === 1 ? 10 : 12;
  const body = Buffer.from(text, version === 3 ? 'utf8' : 'latin1');
  const pad = (64 - ((prefix + body.length + 1) % 64)) % 64;
  const out = new Uint8Array(prefix + body.length + pad + 1);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  const length = body.length + pad + 1;
  if (version === 1) view.setUint16(8, length, true);
  else view.setUint32(8, length, true);
  out.set(body, prefix);
  out.fill(0x20, prefix + body.length);
  out[out.length - 1] = 0x0a;
  return out;
}

function expectNpyError(fn: () => unknown, pattern: RegExp): NpyError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(NpyError);
  expect((caught as NpyError).message).toMatch(pattern);
  return caught as NpyError;
}

describe('fixtures', () => {
  it('every fixture file has an expectation and every expectation a file', () => {
    expect(fixtureFilesOnDisk('valid')).toEqual(validNames);
    expect(fixtureFilesOnDisk('invalid')).toEqual(invalidNames);
    expect(validNames.length).toBeGreaterThan(40);
    expect(invalidNames.length).toBeGreaterThan(20);
  });

  it('the comparison helper itself catches lossy or mis-typed numbers', () => {
    const parse = (t: string) => parseJsonExact(t);
    expect(diffTagged(parse('9223372036854775807'), 'i:9223372036854775807')).toBeUndefined();
    expect(diffTagged(parse('9223372036854775806'), 'i:9223372036854775807')).toMatch(/expected/);
    expect(diffTagged(parse('1.0'), 'i:1')).toMatch(/integer/);
    expect(diffTagged(parse('1'), 'f:1.0')).toMatch(/like an integer/);
    expect(diffTagged(parse('0.0'), 'f:-0.0')).toMatch(/expected/);
    expect(diffTagged(parse('-0.0'), 'f:-0.0')).toBeUndefined();
    expect(diffTagged(parse('"NaN"'), 'f:NaN')).toBeUndefined();
    expect(diffTagged(parse('"Infinity"'), 'f:-Infinity')).toMatch(/expected/);
    expect(diffTagged(parse('[1e-7, "x\\"1"]'), ['f:1e-07', 'f:2.0'])).toMatch(/string/);
  });
});

describe('decoding every valid fixture written by numpy', () => {
  it.each(validNames)('%s', (name) => {
    const want = expected.valid[name]!;
    const { header, data } = decodeNpy(fixtureBytes('valid', name));
    // str(dtype) is the name for native order and the descriptor for big-endian ones.
    if (/^[<>]/.test(want.dtype)) expect(header.dtype.descr).toBe(want.dtype);
    else expect(header.dtype.name).toBe(want.dtype);
    expect(header.dtype.name).toBe(want.name);
    expect(header.dtype.descr).toBe(want.descr);
    expect(header.shape).toEqual(want.shape);
    expect(header.fortranOrder).toBe(want.fortran_order);
    expect(header.version).toBe(want.version);
    expect(header.count).toBe(want.shape.reduce((a, b) => a * b, 1));
    expect(data.length).toBe(header.dataBytes);
    const json = [...jsonDataChunks(header, data)].join('');
    expect(diffTagged(parseJsonExact(json), want.data)).toBeUndefined();
    // Whatever the values, the text is valid JSON.
    expect(() => JSON.parse(json)).not.toThrow();
  });

  it.each(validNames)('toTypedArray gives C-order values of %s', (name) => {
    const want = expected.valid[name]!;
    const array = decodeNpy(fixtureBytes('valid', name));
    const values = toTypedArray(array);
    const complex = array.header.dtype.kind === 'c';
    const flat = flattenTagged(want.data, complex).flatMap((v) => (complex ? (v as Tagged[]) : [v]));
    expect(values.length).toBe(flat.length);
    const mismatches: string[] = [];
    for (let i = 0; i < flat.length; i++) {
      const expectedValue = tagValue(flat[i]!);
      const actual = values[i]!;
      const same =
        typeof expectedValue === 'bigint' && typeof actual === 'number'
          ? BigInt(actual) === expectedValue
          : Object.is(actual, expectedValue);
      if (!same) mismatches.push(`[${i}] ${String(actual)} != ${String(expectedValue)}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('large arrays come out in several JSON chunks that join to the full list', () => {
    const values = new Float64Array(20_000).map((_, i) => i / 3);
    const { header, data } = decodeNpy(typedArrayToNpy(values));
    const chunks = [...jsonDataChunks(header, data)];
    expect(chunks.length).toBeGreaterThan(1);
    expect(JSON.parse(chunks.join(''))).toEqual(Array.from(values));
  });

  it('float16 decoding covers subnormals, infinities and NaN', () => {
    expect(float16ToNumber(0x3c00)).toBe(1);
    expect(float16ToNumber(0x0001)).toBe(2 ** -24);
    expect(float16ToNumber(0x7bff)).toBe(65504);
    expect(float16ToNumber(0xfc00)).toBe(-Infinity);
    expect(float16ToNumber(0x7e00)).toBeNaN();
    expect(Object.is(float16ToNumber(0x8000), -0)).toBe(true);
  });

  it('formats floats so Python reads them back as floats', () => {
    expect(formatFloat(1)).toBe('1.0');
    expect(formatFloat(-0)).toBe('-0.0');
    expect(formatFloat(1e21)).toBe('1e+21');
    expect(formatFloat(NaN)).toBe('"NaN"');
    expect(formatFloat(-Infinity)).toBe('"-Infinity"');
  });
});

describe('rejecting every invalid fixture', () => {
  it.each(invalidNames)('%s', (name) => {
    const { reason } = expected.invalid[name]!;
    const err = expectNpyError(() => decodeNpy(fixtureBytes('invalid', name)), REASON_PATTERN[reason]);
    // A whole file is never "incomplete": that code is only for a streaming reader's prefixes.
    expect(err.code).not.toBe('incomplete');
  });

  it('refuses non-numeric dtypes with code "unsupported"', () => {
    for (const name of invalidNames.filter((n) => expected.invalid[n]!.reason === 'dtype')) {
      const err = expectNpyError(() => decodeNpy(fixtureBytes('invalid', name)), /dtype/);
      expect(err.code, name).toBe('unsupported');
    }
  });

  it('never evaluates the header: the eval-attack fixture is refused at the first non-literal character', () => {
    const evalSpy = vi.spyOn(globalThis, 'eval');
    const bytes = fixtureBytes('invalid', 'header_eval_attack');
    const err = expectNpyError(() => decodeNpy(bytes), /not a valid Python literal: unexpected character "_"/);
    const text = Buffer.from(bytes.subarray(10)).toString('latin1');
    expect(err.message).toContain(`offset ${text.indexOf('__import__')}`);
    // A JavaScript-flavoured attempt is refused just the same, and its code never runs.
    const js = headerBytes("{'descr': '<f8'.constructor.constructor('globalThis.__pwned = 1')(), 'fortran_order': False, 'shape': (1,), }");
    expectNpyError(() => parseNpyHeader(js), /literal/);
    expect((globalThis as { __pwned?: unknown }).__pwned).toBeUndefined();
    expect(evalSpy).not.toHaveBeenCalled();
    evalSpy.mockRestore();
  });

  it('reports prefixes of a valid header as incomplete, so a streaming reader can wait for more', () => {
    const bytes = fixtureBytes('valid', 'f8_le');
    const { dataOffset } = parseNpyHeader(bytes);
    for (let n = 0; n < dataOffset; n++) {
      const err = expectNpyError(() => parseNpyHeader(bytes.subarray(0, n)), /short|ends inside/);
      expect(err.code, `prefix of ${n} bytes`).toBe('incomplete');
    }
    expect(parseNpyHeader(bytes.subarray(0, dataOffset)).shape).toEqual([2, 3]);
    // A wrong byte is refused as soon as it arrives, not once the header is complete.
    expect(expectNpyError(() => parseNpyHeader(Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x58)), /magic/).code).toBe('format');
  });

  it('refuses a header over the size limit before reading it', () => {
    const big = headerBytes(`{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }${' '.repeat(200)}`);
    expectNpyError(() => parseNpyHeader(big, 100), /over the limit of 100/);
    expect(parseNpyHeader(big).shape).toEqual([1]);
  });

  it('a header read again (as every packet of a stream repeats it) gives the same answer, with a shape of its own', () => {
    const bytes = encodeNpyHeader(dtypeFromName('int16'), [3, 10], true);
    const first = parseNpyHeader(bytes);
    // The type makes shape read-only; JavaScript callers could still write to it.
    (first.shape as number[])[0] = 99;
    const again = parseNpyHeader(bytes);
    expect(again).toEqual({ ...first, shape: [3, 10] });
    // A refused header is refused every time, not remembered as anything.
    const bad = headerBytes("{'descr': '<f8', 'fortran_order': 1, 'shape': (2,), }");
    expectNpyError(() => parseNpyHeader(bad), /fortran_order/);
    expectNpyError(() => parseNpyHeader(bad), /fortran_order/);
  });

  it('refuses more than 64 dimensions and non-latin-1 text in a version 1 header', () => {
    const dims = new Array(65).fill('1').join(', ');
    expectNpyError(() => parseNpyHeader(headerBytes(`{'descr': '<f8', 'fortran_order': False, 'shape': (${dims}), }`)), /dimensions/);
    const v3 = headerBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'é': 1}", 3);
    expectNpyError(() => parseNpyHeader(v3), /keys/);
  });

  it('checks the data length both ways', () => {
    const header = parseNpyHeader(fixtureBytes('valid', 'f8_le'));
    expect(() => checkDataLength(header, 48)).not.toThrow();
    expectNpyError(() => checkDataLength(header, 47), /truncated data.*needs 48 bytes, file has 47/);
    expectNpyError(() => checkDataLength(header, 49), /1 trailing bytes/);
  });
});

describe('Python literal parser', () => {
  const tuple = (v: unknown) => (v as PyTuple).items;

  it('distinguishes (3,) from (3) and accepts trailing commas', () => {
    expect(parsePyLiteral('(3,)')).toBeInstanceOf(PyTuple);
    expect(tuple(parsePyLiteral('(3,)'))).toEqual([3n]);
    expect(tuple(parsePyLiteral('( 3 , )'))).toEqual([3n]);
    expect(parsePyLiteral('(3)')).toBe(3n);
    expect(tuple(parsePyLiteral('()'))).toEqual([]);
    expect(tuple(parsePyLiteral('(3, 4,)'))).toEqual([3n, 4n]);
    expect(parsePyLiteral('[1, 2,]')).toEqual([1n, 2n]);
    const dict = parsePyLiteral("{'a': 1, 'b': (2,), }") as PyDict;
    expect(dict).toBeInstanceOf(PyDict);
    expect([...dict.entries.keys()]).toEqual(['a', 'b']);
    expect(() => parsePyLiteral('(,)')).toThrow(NpyError);
    expect(() => parsePyLiteral('(3,,)')).toThrow(NpyError);
  });

  it("reads Python 2's 3L and big integers exactly", () => {
    expect(parsePyLiteral('3L')).toBe(3n);
    expect(tuple(parsePyLiteral('(3L, 4l)'))).toEqual([3n, 4n]);
    expect(parsePyLiteral('-12345678901234567890')).toBe(-12345678901234567890n);
    expect(() => parsePyLiteral('3LL')).toThrow(NpyError);
  });

  it('reads floats, so a float where an integer belongs is refused by name rather than as bad syntax', () => {
    expect(parsePyLiteral('3.0')).toBe(3);
    expect(parsePyLiteral('-1.5e3')).toBe(-1500);
    expect(() => parsePyLiteral('3.0L')).toThrow(NpyError);
    expect(() => parsePyLiteral('3j')).toThrow(/malformed number/);
    expect(() => parsePyLiteral('1.2.3')).toThrow(/malformed number/);
    expectNpyError(() => decodeNpy(fixtureBytes('invalid', 'shape_float')), /shape entries must be integers/);
  });

  it('accepts both quote styles and escapes', () => {
    expect(parsePyLiteral("'<f8'")).toBe('<f8');
    expect(parsePyLiteral('"<f8"')).toBe('<f8');
    expect(parsePyLiteral(`"it's"`)).toBe("it's");
    expect(parsePyLiteral(`'say \\'hi\\' \\x41\\n'`)).toBe("say 'hi' A\n");
    expect(() => parsePyLiteral("'unterminated")).toThrow(/unterminated/);
    expect(() => parsePyLiteral(`'mixed"`)).toThrow(NpyError);
  });

  it('reads True, False and None but no other names', () => {
    expect(parsePyLiteral('[True, False, None]')).toEqual([true, false, null]);
    expect(() => parsePyLiteral('Truth')).toThrow(NpyError);
    expect(() => parsePyLiteral('os')).toThrow(/unexpected character/);
    expect(() => parsePyLiteral('{1: 2}')).toThrow(/keys must be strings/);
    expect(() => parsePyLiteral("{'a': 1, 'a': 2}")).toThrow(/duplicate key/);
  });

  it('rejects deep nesting without overflowing the stack', () => {
    expect(parsePyLiteral(`${'('.repeat(10)}1,${'),'.repeat(9)})`)).toBeInstanceOf(PyTuple);
    expect(() => parsePyLiteral(`${'['.repeat(100)}${']'.repeat(100)}`)).toThrow(/nesting too deep/);
    expect(() => parsePyLiteral('['.repeat(1_000_000))).toThrow(/nesting too deep/);
  });

  it('parses headers that use these forms', () => {
    const h = parseNpyHeader(headerBytes(`{"descr": "<i4", "fortran_order": True, "shape": (2L, 3L,), }`));
    expect(h.shape).toEqual([2, 3]);
    expect(h.fortranOrder).toBe(true);
    expect(h.dtype.name).toBe('int32');
    expect(parseNpyHeader(headerBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (), }")).shape).toEqual([]);
    expectNpyError(() => parseNpyHeader(headerBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (3), }")), /shape is not a tuple/);
    expectNpyError(() => parseNpyHeader(headerBytes("{'descr': '<f8', 'fortran_order': None, 'shape': (3,), }")), /fortran_order/);
  });
});

describe('descriptors', () => {
  it('normalises byte order as numpy does', () => {
    expect(parseDescr('=f8').descr).toBe('<f8');
    expect(parseDescr('<u1').descr).toBe('|u1');
    expect(parseDescr('>b1').name).toBe('bool');
    expect(parseDescr('>i8').littleEndian).toBe(false);
    expect(() => parseDescr('<f16')).toThrow(/float128|unsupported dtype/);
    expect(() => parseDescr('<M8[ns]')).toThrow(NpyError);
    expect(() => dtypeFromName('float128')).toThrow(NpyError);
  });
});

describe('encoding, read back by real numpy', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'npy-codec-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  interface Case {
    name: string;
    bytes: Uint8Array;
    dtype: string;
    shape: number[];
    fortran: boolean;
    /** The values as numpy's tolist() should give them, tagged. */
    data: Tagged;
  }

  /** A float tag in canonical form (JavaScript's repr, -0 kept), comparable with `canonical()` of Python's tags. */
  const f = (x: number): string => (Object.is(x, -0) ? 'f:-0' : `f:${x}`);
  const canonical = (t: Tagged): Tagged =>
    Array.isArray(t) ? t.map(canonical) : typeof t === 'string' && t.startsWith('f:') ? f(Number(t.slice(2))) : t;
  const i = (x: number | bigint): string => `i:${x}`;
  const reshape = <T>(flat: T[], cols: number): T[][] =>
    Array.from({ length: flat.length / cols }, (_, r) => flat.slice(r * cols, r * cols + cols));

  function cases(): Case[] {
    const out: Case[] = [];
    const add = (
      name: string,
      values: NumericArray,
      dtype: string,
      data: Tagged,
      shape?: number[],
      dtypeName?: Parameters<typeof typedArrayToNpy>[2],
    ) => {
      const bytes = typedArrayToNpy(values, shape, dtypeName);
      out.push({ name, bytes, dtype, shape: shape ?? [values.length], fortran: false, data });
    };
    const f64 = Float64Array.of(0.1, -0, NaN, Infinity, -Infinity, 5e-324, 1.7976931348623157e308, 1e21, 123456789.125);
    add('f64', f64, 'float64', Array.from(f64, f));
    const f32 = Float32Array.of(0.1, -0, NaN, 3.4028234663852886e38, 1e-45);
    add('f32', f32, 'float32', Array.from(f32, f));
    const i8 = BigInt64Array.of(-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n);
    add('i64', i8, 'int64', Array.from(i8, i));
    const u8 = BigUint64Array.of(0n, 2n ** 64n - 1n, 2n ** 53n + 1n);
    add('u64', u8, 'uint64', Array.from(u8, i));
    const i32 = Int32Array.of(-2147483648, 2147483647, 0, 7, 8, 9);
    add('i32_2x3', i32, 'int32', reshape(Array.from(i32, i), 3), [2, 3]);
    add('i16', Int16Array.of(-32768, 32767), 'int16', [i(-32768), i(32767)]);
    add('u16', Uint16Array.of(0, 65535), 'uint16', [i(0), i(65535)]);
    add('u32', Uint32Array.of(0, 4294967295), 'uint32', [i(0), i(4294967295)]);
    add('i8', Int8Array.of(-128, 127), 'int8', [i(-128), i(127)]);
    add('u8', Uint8Array.of(0, 255), 'uint8', [i(0), i(255)]);
    add('bool', Uint8Array.of(1, 0, 1, 1), 'bool', reshape([true, false, true, true], 2), [2, 2], 'bool');
    const c128 = Float64Array.of(1, -2, NaN, 0.5, -0, Infinity);
    add(
      'c128',
      c128,
      'complex128',
      [
        [f(1), f(-2)],
        [f(NaN), f(0.5)],
        [f(-0), f(Infinity)],
      ],
      [3],
      'complex128',
    );
    add('c64', Float32Array.of(1.5, 2.5), 'complex64', [[f(1.5), f(2.5)]], [1], 'complex64');
    add('empty', new Float64Array(0), 'float64', [], [0]);
    add('scalar', Float64Array.of(2.5), 'float64', f(2.5), []);
    add('empty_2d', new Int32Array(0), 'int32', [[], []], [2, 0]);

    // encodeNpy with big-endian bytes and Fortran layout: a (2, 3) int32 array [[0, 1, 2], [3, 4, 5]].
    const be = new Uint8Array(24);
    const fortranOrder = [0, 3, 1, 4, 2, 5];
    fortranOrder.forEach((v, k) => new DataView(be.buffer).setInt32(k * 4, v, false));
    out.push({
      name: 'i32_be_fortran',
      bytes: encodeNpy({ dtype: dtypeFromName('int32', false), shape: [2, 3], fortranOrder: true, data: be }),
      dtype: '>i4',
      shape: [2, 3],
      fortran: true,
      data: [
        [i(0), i(1), i(2)],
        [i(3), i(4), i(5)],
      ],
    });
    return out;
  }

  it('numpy loads what we write with the same dtype, shape, order and values, and writes the same bytes back', async () => {
    const all = cases();
    for (const c of all) await writeFile(join(dir, `${c.name}.npy`), c.bytes);
    const script = `${PY_TAGGED}
import json, sys, io, base64
import numpy as np
out = {}
for path in sys.argv[1:]:
    a = np.load(path, allow_pickle=False)
    buf = io.BytesIO()
    np.save(buf, a)
    out[path] = {
        "dtype": str(a.dtype),
        "shape": list(a.shape),
        "fortran": bool(a.flags.f_contiguous and not a.flags.c_contiguous),
        "data": tagged(a.tolist()),
        "resaved": base64.b64encode(buf.getvalue()).decode(),
    }
print(json.dumps(out))
`;
    const result = JSON.parse(
      await runPython(
        script,
        all.map((c) => join(dir, `${c.name}.npy`)),
      ),
    ) as Record<string, { dtype: string; shape: number[]; fortran: boolean; data: Tagged; resaved: string }>;
    for (const c of all) {
      const py = result[join(dir, `${c.name}.npy`)]!;
      expect(py.dtype, c.name).toBe(c.dtype);
      expect(py.shape, c.name).toEqual(c.shape);
      expect(py.fortran, c.name).toBe(c.fortran);
      expect(canonical(py.data), c.name).toEqual(c.data);
      // numpy's own np.save of what it loaded is byte-identical to ours: same header, padding and data.
      expect(Buffer.from(py.resaved, 'base64').equals(Buffer.from(c.bytes)), c.name).toBe(true);
      // And our decoder reads our own output back to the same values.
      expect(diffTagged(parseJsonExact(jsonOf(c.bytes)), py.data), c.name).toBeUndefined();
    }
  });

  it("re-encoding every valid fixture reproduces numpy's bytes exactly (versions 1.0 files)", () => {
    for (const name of validNames.filter((n) => expected.valid[n]!.version === 1)) {
      const bytes = fixtureBytes('valid', name);
      const { header, data } = decodeNpy(bytes);
      const again = encodeNpy({ dtype: header.dtype, shape: header.shape, fortranOrder: header.fortranOrder, data });
      expect(Buffer.from(again).equals(Buffer.from(bytes)), name).toBe(true);
    }
  });

  it('writes headers padded to 64 bytes ending in a newline', () => {
    for (const shape of [[], [1], [3, 4], new Array(30).fill(1)]) {
      const header = encodeNpyHeader(dtypeFromName('float64'), shape, false);
      expect(header.length % 64).toBe(0);
      expect(header[header.length - 1]).toBe(0x0a);
      expect(parseNpyHeader(header).shape).toEqual(shape);
    }
  });

  it('refuses data of the wrong length and typed arrays that cannot hold the dtype', () => {
    expect(() => encodeNpy({ dtype: dtypeFromName('float64'), shape: [2], data: new Uint8Array(15) })).toThrow(/needs 16/);
    expect(() => typedArrayToNpy(new Float32Array(2), [1], 'complex128')).toThrow(NpyError);
    expect(() => typedArrayToNpy(new Float32Array(2), [2], 'float16')).toThrow(/float16/);
  });
});
