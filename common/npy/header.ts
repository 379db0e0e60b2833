import { formatShape } from '../format.js';
import { type DType, parseDescr } from './dtype.js';
import { NpyError } from './errors.js';
import { PyDict, PyTuple, parsePyLiteral } from './pyliteral.js';

export const NPY_MAGIC = Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59); // "\x93NUMPY"
/** numpy's own default `max_header_size` since 1.24: longer headers are refused unread. */
export const MAX_HEADER_SIZE = 10_000;
/** numpy 2's NPY_MAXDIMS. */
export const MAX_DIMENSIONS = 64;

export interface NpyHeader {
  readonly version: 1 | 2 | 3;
  readonly dtype: DType;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
  /** Offset of the first data byte: magic, version, length field and header text. */
  readonly dataOffset: number;
  /** Number of elements, prod(shape). */
  readonly count: number;
  /** Bytes of data the file must hold after the header: count × itemsize. */
  readonly dataBytes: number;
}

/**
 * Reads the header at the start of `bytes`. Needs only the header itself, so a streaming reader
 * can call it on the first chunks: a prefix too short to decide throws code `incomplete`.
 */
export function parseNpyHeader(bytes: Uint8Array, maxHeaderSize = MAX_HEADER_SIZE): NpyHeader {
  for (let i = 0; i < NPY_MAGIC.length; i++) {
    if (i >= bytes.length) throw new NpyError('file too short for a .npy header', 'incomplete');
    if (bytes[i] !== NPY_MAGIC[i]) throw new NpyError('not a .npy file: bad magic string (expected \\x93NUMPY)');
  }
  if (bytes.length < 8) throw new NpyError('file too short for a .npy header', 'incomplete');
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (major < 1 || major > 3 || minor !== 0) {
    throw new NpyError(`unsupported .npy format version ${major}.${minor} (supported: 1.0, 2.0, 3.0)`, 'unsupported');
  }
  const lengthFieldSize = major === 1 ? 2 : 4;
  const textStart = 8 + lengthFieldSize;
  if (bytes.length < textStart) throw new NpyError('file too short for a .npy header', 'incomplete');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const textLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (textLength > maxHeaderSize) {
    throw new NpyError(`header is ${textLength} bytes, over the limit of ${maxHeaderSize}`, 'too-large');
  }
  const dataOffset = textStart + textLength;
  if (bytes.length < dataOffset) throw new NpyError('file ends inside the .npy header', 'incomplete');
  const raw = bytes.subarray(textStart, dataOffset);
  // Versions 1 and 2 store latin-1 text, version 3 UTF-8.
  let text: string;
  try {
    text = (major === 3 ? UTF8 : LATIN1).decode(raw);
  } catch {
    throw new NpyError('header text is not valid UTF-8');
  }
  return { version: major as 1 | 2 | 3, dataOffset, ...interpretCached(text) };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const LATIN1 = new TextDecoder('latin1', { fatal: true });

type HeaderDict = Omit<NpyHeader, 'version' | 'dataOffset'>;

/**
 * Headers already interpreted, by their text. A stream's packets repeat the same few headers, and parsing the Python
 * literal of each was a third of the page's CPU at 450 packets/s. Only short texts are kept, at most 256 of them, so
 * hostile headers cannot grow it.
 */
const interpreted = new Map<string, HeaderDict>();
const INTERPRETED_KEPT = 256;
const INTERPRETED_TEXT_MAX = 512;

function interpretCached(text: string): HeaderDict {
  let header = interpreted.get(text);
  if (!header) {
    header = interpretHeaderDict(text);
    if (text.length > INTERPRETED_TEXT_MAX) return header;
    if (interpreted.size >= INTERPRETED_KEPT) interpreted.clear();
    interpreted.set(text, header);
  }
  // Each caller gets its own shape array.
  return { ...header, shape: [...header.shape] };
}

function interpretHeaderDict(text: string): Omit<NpyHeader, 'version' | 'dataOffset'> {
  const literal = parsePyLiteral(text);
  if (!(literal instanceof PyDict)) throw new NpyError('header is not a dict literal');
  const keys = [...literal.entries.keys()].sort();
  if (keys.join() !== 'descr,fortran_order,shape') {
    throw new NpyError(`header does not contain exactly the keys descr, fortran_order, shape (got: ${keys.join(', ') || 'none'})`);
  }
  const descr = literal.entries.get('descr');
  if (typeof descr !== 'string') {
    throw new NpyError('structured, object and other non-numeric dtypes are refused (descr is not a simple type string)', 'unsupported');
  }
  const dtype = parseDescr(descr);
  const fortranOrder = literal.entries.get('fortran_order');
  if (typeof fortranOrder !== 'boolean') throw new NpyError('fortran_order is not a bool');
  const shapeValue = literal.entries.get('shape');
  if (!(shapeValue instanceof PyTuple)) throw new NpyError('shape is not a tuple');
  if (shapeValue.items.length > MAX_DIMENSIONS) {
    throw new NpyError(`shape has ${shapeValue.items.length} dimensions, more than numpy's limit of ${MAX_DIMENSIONS}`);
  }
  const shape = shapeValue.items.map((dim) => {
    if (typeof dim !== 'bigint') throw new NpyError('shape entries must be integers');
    if (dim < 0n) throw new NpyError(`shape entries must not be negative (got ${dim})`);
    // Checked per dimension too: a zero elsewhere keeps the product small, but Number(dim) would round.
    if (dim > BigInt(Number.MAX_SAFE_INTEGER)) throw new NpyError(`shape entry ${dim} is too large`, 'too-large');
    return dim;
  });
  const count = shape.reduce((a, b) => a * b, 1n);
  const dataBytes = count * BigInt(dtype.itemsize);
  if (dataBytes > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new NpyError(`array of shape ${formatShape(shape)} is too large`, 'too-large');
  }
  return { dtype, fortranOrder, shape: shape.map(Number), count: Number(count), dataBytes: Number(dataBytes) };
}

/** Builds a header (magic through padding) as numpy does: version 1.0 when it fits, text padded to 64 bytes. */
export function encodeNpyHeader(dtype: DType, shape: readonly number[], fortranOrder: boolean): Uint8Array {
  const dict = `{'descr': '${dtype.descr}', 'fortran_order': ${fortranOrder ? 'True' : 'False'}, 'shape': ${formatShape(shape)}, }`;
  const version = dict.length + 1 + 10 > 0xffff ? 2 : 1;
  const prefix = version === 1 ? 10 : 12;
  const padded = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const text = dict + ' '.repeat(padded - prefix - dict.length - 1) + '\n';
  const out = new Uint8Array(padded);
  out.set(NPY_MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  for (let i = 0; i < text.length; i++) out[prefix + i] = text.charCodeAt(i);
  return out;
}
