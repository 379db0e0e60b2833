import { type DType, type DTypeName, dtypeFromName } from './dtype.js';
import { cOrderOffsets, realReader } from './elements.js';
import { type NpyArray, encodeNpy } from './codec.js';
import { NpyError } from './errors.js';

export type NumericArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

type TypedArrayConstructor = { new (length: number): NumericArray; BYTES_PER_ELEMENT: number };

/** The typed array that holds each dtype: bool as 0/1 bytes, float16 widened to float32, complex interleaved re, im. */
const CONTAINER: Record<DTypeName, TypedArrayConstructor> = {
  bool: Uint8Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float16: Float32Array,
  float32: Float32Array,
  float64: Float64Array,
  complex64: Float32Array,
  complex128: Float64Array,
};

/** Whether the data bytes already are the C-order, little-endian values of the dtype's typed array. */
function isDirectlyUsable(array: NpyArray): boolean {
  const { header } = array;
  const { dtype } = header;
  const contiguous = !header.fortranOrder || header.shape.filter((d) => d > 1).length < 2;
  const perElement = dtype.kind === 'c' ? 2 : 1;
  return contiguous && dtype.littleEndian && CONTAINER[dtype.name].BYTES_PER_ELEMENT * perElement === dtype.itemsize;
}

/**
 * The values as `toTypedArray` gives them, but a view on `data` without copying when its bytes
 * already are those values (little-endian, C order, aligned): for read-only use.
 */
export function typedValues(array: NpyArray): NumericArray {
  const Container = CONTAINER[array.header.dtype.name];
  const { byteOffset } = array.data;
  if (isDirectlyUsable(array) && byteOffset % Container.BYTES_PER_ELEMENT === 0) {
    const length = array.header.dataBytes / Container.BYTES_PER_ELEMENT;
    return new (Container as unknown as new (buffer: ArrayBufferLike, offset: number, length: number) => NumericArray)(
      array.data.buffer,
      byteOffset,
      length,
    );
  }
  return toTypedArray(array);
}

/** Values of a decoded array in C order and the platform's byte order; complex arrays hold 2 numbers per element. */
export function toTypedArray(array: NpyArray): NumericArray {
  const { header, data } = array;
  const { dtype } = header;
  const Container = CONTAINER[dtype.name];
  const perElement = dtype.kind === 'c' ? 2 : 1;
  const out = new Container(header.count * perElement);
  if (isDirectlyUsable(array)) {
    new Uint8Array(out.buffer).set(data.subarray(0, header.dataBytes));
    return out;
  }
  const read = realReader(dtype);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const half = dtype.itemsize / 2;
  const target = out as unknown as { [i: number]: number | bigint };
  let i = 0;
  for (const offset of cOrderOffsets(header)) {
    const value = read(view, offset);
    target[i++] = typeof value === 'boolean' ? Number(value) : value;
    if (perElement === 2) target[i++] = read(view, offset + half) as number;
  }
  return out;
}

const DTYPE_OF_CONTAINER = new Map<string, DTypeName>([
  ['Int8Array', 'int8'],
  ['Uint8Array', 'uint8'],
  ['Int16Array', 'int16'],
  ['Uint16Array', 'uint16'],
  ['Int32Array', 'int32'],
  ['Uint32Array', 'uint32'],
  ['BigInt64Array', 'int64'],
  ['BigUint64Array', 'uint64'],
  ['Float32Array', 'float32'],
  ['Float64Array', 'float64'],
]);

/** The dtype a typed array maps to when no other is asked for. */
export function dtypeOfTypedArray(values: NumericArray): DType {
  const name = DTYPE_OF_CONTAINER.get(values.constructor.name);
  if (!name) throw new NpyError(`unsupported typed array ${values.constructor.name}`, 'unsupported');
  return dtypeFromName(name);
}

/**
 * `.npy` bytes (C order, little-endian) for typed-array values. `shape` defaults to 1-D.
 * Pass `dtype` `bool` for 0/1 bytes or `complex64`/`complex128` for interleaved pairs.
 */
export function typedArrayToNpy(values: NumericArray, shape?: readonly number[], dtypeName?: DTypeName): Uint8Array {
  const dtype = dtypeName ? dtypeFromName(dtypeName) : dtypeOfTypedArray(values);
  if (dtype.name === 'float16') throw new NpyError('float16 output is not supported; use float32', 'unsupported');
  if (values.BYTES_PER_ELEMENT * (dtype.kind === 'c' ? 2 : 1) !== dtype.itemsize) {
    throw new NpyError(`${values.constructor.name} cannot hold ${dtype.name}`, 'unsupported');
  }
  const count = (values.length * values.BYTES_PER_ELEMENT) / dtype.itemsize;
  const dims = shape ?? [count];
  const data = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  return encodeNpy({ dtype, shape: dims, data });
}
