import type { DType } from './dtype.js';
import type { NpyHeader } from './header.js';

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

/**
 * Byte offsets of every element in C (row-major) order whatever the file's layout, as `tolist()`
 * walks them: an odometer over the index, moving by each axis's stride in the file.
 */
export function* cOrderOffsets(header: Pick<NpyHeader, 'shape' | 'fortranOrder' | 'count' | 'dtype'>): Generator<number> {
  const { shape, fortranOrder, count, dtype } = header;
  if (!fortranOrder || shape.length < 2) {
    for (let i = 0; i < count; i++) yield i * dtype.itemsize;
    return;
  }
  // In Fortran order the first axis varies fastest in memory.
  const strides: number[] = [];
  let stride = dtype.itemsize;
  for (const dim of shape) {
    strides.push(stride);
    stride *= dim;
  }
  const index = new Array<number>(shape.length).fill(0);
  let offset = 0;
  for (let n = 0; n < count; n++) {
    yield offset;
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      index[axis]!++;
      offset += strides[axis]!;
      if (index[axis]! < shape[axis]!) break;
      offset -= strides[axis]! * shape[axis]!;
      index[axis] = 0;
    }
  }
}
