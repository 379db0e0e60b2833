import { type DType, dtypeFromStr } from '../../../common/npy/dtype.js';

/** The dtype named by numpy's `str(dtype)` (`float64`, `>f8`) or a descriptor (`<f8`); undefined if unknown. */
export function dtypeOf(text: string): DType | undefined {
  try {
    return dtypeFromStr(text);
  } catch {
    return undefined;
  }
}

/**
 * A dtype in words: numpy's `str(dtype)` is `float64` for native (little-endian) order and `>f8`
 * for big-endian; both read here as `float64, little-endian` / `float64, big-endian`; one-byte
 * types have no byte order. Unknown text is shown as it came.
 */
export function describeDtype(text: string): string {
  const dtype = dtypeOf(text);
  if (!dtype) return text;
  if (dtype.itemsize === 1) return dtype.name;
  return `${dtype.name}, ${dtype.littleEndian ? 'little' : 'big'}-endian`;
}
