import { NpyError } from './errors.js';

export type DTypeKind = 'b' | 'i' | 'u' | 'f' | 'c';

/** A numeric dtype as stored in a `.npy` header, e.g. `<f8`. */
export interface DType {
  /** Normalised descriptor as numpy writes it: `<f8`, `>i4`, `|u1`. */
  readonly descr: string;
  readonly kind: DTypeKind;
  /** Bytes per element. */
  readonly itemsize: number;
  readonly littleEndian: boolean;
  /** numpy's `dtype.name`, whatever the byte order: `float64`, `bool`, `complex128`. */
  readonly name: DTypeName;
  /**
   * numpy's `str(dtype)`, which every response reports (as the tutorial's server does): the name in native
   * (little-endian) or single-byte order, the descriptor otherwise: `float64`, `uint8`, but `>f8`.
   */
  readonly str: string;
}

const NAMES = {
  b1: 'bool',
  i1: 'int8',
  i2: 'int16',
  i4: 'int32',
  i8: 'int64',
  u1: 'uint8',
  u2: 'uint16',
  u4: 'uint32',
  u8: 'uint64',
  f2: 'float16',
  f4: 'float32',
  f8: 'float64',
  c8: 'complex64',
  c16: 'complex128',
} as const;

type TypeCode = keyof typeof NAMES;
export type DTypeName = (typeof NAMES)[TypeCode];

export const DTYPE_NAMES: readonly DTypeName[] = Object.values(NAMES);

const CODE_BY_NAME = new Map<string, TypeCode>((Object.entries(NAMES) as [TypeCode, DTypeName][]).map(([code, name]) => [name, code]));

function isTypeCode(code: string): code is TypeCode {
  return Object.hasOwn(NAMES, code);
}

/** Parses a numpy descriptor such as `<f8`; anything but the numeric dtypes above is refused. */
export function parseDescr(descr: string): DType {
  const match = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr);
  if (!match) {
    throw new NpyError(`unsupported dtype descriptor ${JSON.stringify(descr)}: only numeric dtypes are accepted`, 'unsupported');
  }
  const [, order, kind, size] = match as unknown as [string, string, string, string];
  const code = `${kind}${size}`;
  if (!isTypeCode(code)) {
    throw new NpyError(
      `unsupported dtype ${JSON.stringify(descr)}: object, string, void, datetime and structured dtypes are refused; ` +
        `accepted are ${DTYPE_NAMES.join(', ')}`,
      'unsupported',
    );
  }
  // '|' (not applicable) and '=' (native) both mean little-endian on every platform we run on.
  const littleEndian = order !== '>';
  return makeDType(code, littleEndian);
}

/** The dtype of a numpy `str(dtype)`: a name such as `float64` (little-endian) or a descriptor such as `>f8`. */
export function dtypeFromStr(str: string): DType {
  return /^[<>|=]/.test(str) ? parseDescr(str) : dtypeFromName(str);
}

/** The dtype numpy calls `name`, in the given byte order. */
export function dtypeFromName(name: string, littleEndian = true): DType {
  const code = CODE_BY_NAME.get(name);
  if (!code) throw new NpyError(`unknown dtype name ${JSON.stringify(name)}`, 'unsupported');
  return makeDType(code, littleEndian);
}

function makeDType(code: TypeCode, littleEndian: boolean): DType {
  const kind = code[0] as DTypeKind;
  const itemsize = Number(code.slice(1));
  const order = itemsize === 1 ? '|' : littleEndian ? '<' : '>';
  const descr = `${order}${code}`;
  const str = order === '>' ? descr : NAMES[code];
  return { descr, kind, itemsize, littleEndian: itemsize === 1 || littleEndian, name: NAMES[code], str };
}
