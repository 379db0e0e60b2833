import type { DType } from './dtype.js';
import type { NpyHeader } from './header.js';

/** One element as JavaScript holds it exactly: 64-bit integers as bigint, complex as [re, im]. */
export type ElementValue = number | bigint | boolean | readonly [number, number];
export type ElementReader = (view: DataView, offset: number) => ElementValue;

/** Decodes IEEE 754 half precision, which DataView cannot read on Node 20. */
export function float16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** A function reading one real (non-complex) number of `dtype` at a byte offset. */
export function realReader(dtype: DType): (view: DataView, offset: number) => number | bigint | boolean {
  const le = dtype.littleEndian;
  switch (dtype.name) {
    case 'bool':
      return (v, o) => v.getUint8(o) !== 0;
    case 'int8':
      return (v, o) => v.getInt8(o);
    case 'uint8':
      return (v, o) => v.getUint8(o);
    case 'int16':
      return (v, o) => v.getInt16(o, le);
    case 'uint16':
      return (v, o) => v.getUint16(o, le);
    case 'int32':
      return (v, o) => v.getInt32(o, le);
    case 'uint32':
      return (v, o) => v.getUint32(o, le);
    case 'int64':
      return (v, o) => v.getBigInt64(o, le);
    case 'uint64':
      return (v, o) => v.getBigUint64(o, le);
    case 'float16':
      return (v, o) => float16ToNumber(v.getUint16(o, le));
    case 'float32':
    case 'complex64':
      return (v, o) => v.getFloat32(o, le);
    case 'float64':
    case 'complex128':
      return (v, o) => v.getFloat64(o, le);
  }
}

export function elementReader(dtype: DType): ElementReader {
  const read = realReader(dtype);
  if (dtype.kind !== 'c') return read;
  const half = dtype.itemsize / 2;
  return (v, o) => [read(v, o) as number, read(v, o + half) as number] as const;
}

/**
 * Walks the elements in C (row-major) order whatever the file's layout, as `tolist()` does,
 * tracking each element's byte offset in the data.
 */
export class COrderWalker {
  /** Byte offset of the current element. */
  offset = 0;
  private readonly index: number[];
  private readonly strides: number[];

  constructor(private readonly header: Pick<NpyHeader, 'shape' | 'fortranOrder' | 'dtype'>) {
    const { shape, fortranOrder, dtype } = header;
    this.index = new Array<number>(shape.length).fill(0);
    this.strides = new Array<number>(shape.length);
    let stride = dtype.itemsize;
    // In Fortran order the first axis varies fastest in memory; in C order the last.
    for (let k = 0; k < shape.length; k++) {
      const axis = fortranOrder ? k : shape.length - 1 - k;
      this.strides[axis] = stride;
      stride *= shape[axis]!;
    }
  }

  /** Moves to the next element; returns how many trailing axes wrapped round to zero. */
  advance(): number {
    const { shape } = this.header;
    let wrapped = 0;
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      this.index[axis]!++;
      this.offset += this.strides[axis]!;
      if (this.index[axis]! < shape[axis]!) break;
      this.offset -= this.strides[axis]! * shape[axis]!;
      this.index[axis] = 0;
      wrapped++;
    }
    return wrapped;
  }
}

/** Byte offsets of every element in C order. */
export function* cOrderOffsets(header: Pick<NpyHeader, 'shape' | 'fortranOrder' | 'count' | 'dtype'>): Generator<number> {
  if (!header.fortranOrder || header.shape.length < 2) {
    for (let i = 0; i < header.count; i++) yield i * header.dtype.itemsize;
    return;
  }
  const walker = new COrderWalker(header);
  for (let n = 0; n < header.count; n++) {
    yield walker.offset;
    walker.advance();
  }
}
