import { formatShape } from '../format.js';
import type { DType } from './dtype.js';
import { NpyError } from './errors.js';
import { MAX_HEADER_SIZE, type NpyHeader, encodeNpyHeader, parseNpyHeader } from './header.js';

/** A decoded `.npy` file: its header and its data bytes exactly as stored (file byte order and layout). */
export interface NpyArray {
  readonly header: NpyHeader;
  readonly data: Uint8Array;
}

/** Checks that the data after the header is exactly count × itemsize bytes. */
export function checkDataLength(header: NpyHeader, dataLength: number): void {
  if (dataLength < header.dataBytes) {
    throw new NpyError(
      `truncated data: shape ${formatShape(header.shape)} of ${header.dtype.name} needs ${header.dataBytes} bytes, file has ${dataLength}`,
    );
  }
  if (dataLength > header.dataBytes) {
    throw new NpyError(
      `${dataLength - header.dataBytes} trailing bytes after the data of shape ${formatShape(header.shape)} of ${header.dtype.name}`,
    );
  }
}

export function decodeNpy(bytes: Uint8Array, maxHeaderSize = MAX_HEADER_SIZE): NpyArray {
  let header: NpyHeader;
  try {
    header = parseNpyHeader(bytes, maxHeaderSize);
  } catch (err) {
    if (err instanceof NpyError && err.code === 'incomplete') throw new NpyError(err.message);
    throw err;
  }
  checkDataLength(header, bytes.length - header.dataOffset);
  return { header, data: bytes.subarray(header.dataOffset) };
}

export interface NpyEncodeInput {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly fortranOrder?: boolean;
  /** Raw element bytes in the dtype's byte order and the given layout. */
  readonly data: Uint8Array;
}

export function encodeNpy({ dtype, shape, fortranOrder = false, data }: NpyEncodeInput): Uint8Array {
  const header = encodeNpyHeader(dtype, shape, fortranOrder);
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count * dtype.itemsize) {
    throw new NpyError(`data has ${data.length} bytes, shape ${formatShape(shape)} of ${dtype.name} needs ${count * dtype.itemsize}`);
  }
  const out = new Uint8Array(header.length + data.length);
  out.set(header, 0);
  out.set(data, header.length);
  return out;
}
