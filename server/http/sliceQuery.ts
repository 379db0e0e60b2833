import type { Request } from 'express';
import type { NpyHeader } from '../../common/npy/header.js';
import { COMPLEX_PARTS, type ComplexPart } from '../../common/npy/pieces.js';
import { SliceError, type SlicePlan, sliceOf } from '../../common/npy/slice.js';
import { HttpError } from './errors.js';

/** Most bins an overview may have in all. */
export const MAX_OVERVIEW_CELLS = 1 << 22;

function queryText(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(name, 'Input should be a single string', value, 'string_type');
  return value;
}

function invalid(name: string, msg: string, input: unknown, type = 'value_error'): HttpError {
  return HttpError.validation({ type, loc: ['query', name], msg, input });
}

/** `?slice=` planned over the stored shape: malformed → 422, an index out of range → 400 (NumPy's IndexError). */
export function sliceFromQuery(req: Request, header: NpyHeader): SlicePlan {
  const text = queryText(req, 'slice') ?? '';
  try {
    return sliceOf(text, header.shape);
  } catch (err) {
    if (!(err instanceof SliceError)) throw err;
    if (err.code === 'syntax') throw invalid('slice', err.message, text);
    throw new HttpError(400, `slice ${JSON.stringify(text)} of shape (${header.shape.join(', ')}): ${err.message}`);
  }
}

/** `?part=` for complex arrays (abs by default); null for real ones. */
export function partFromQuery(req: Request, header: NpyHeader): ComplexPart | null {
  const text = queryText(req, 'part');
  if (text !== undefined && !(COMPLEX_PARTS as readonly string[]).includes(text)) {
    throw invalid('part', `Input should be ${COMPLEX_PARTS.map((p) => `'${p}'`).join(', ')}`, text, 'enum');
  }
  return header.dtype.kind === 'c' ? ((text as ComplexPart | undefined) ?? 'abs') : null;
}

function positiveInt(name: string, text: string): number {
  if (!/^\s*\d{1,9}\s*$/.test(text) || Number(text) < 1) throw invalid(name, 'Input should be a positive integer', text);
  return Number(text);
}

/**
 * Bins per axis of the sliced array: `bins=b0,b1,…` (one per axis), or `axis=k&bins=b` to
 * reduce axis k only. A count above an axis's length keeps that axis whole (one bin per index).
 */
export function binsFromQuery(req: Request, shape: readonly number[]): number[] {
  const binsText = queryText(req, 'bins');
  const axisText = queryText(req, 'axis');
  if (binsText === undefined) throw HttpError.validation({ type: 'missing', loc: ['query', 'bins'], msg: 'Field required', input: null });
  if (shape.length === 0) throw new HttpError(400, 'an overview needs at least one axis; this slice is a single value');
  let bins: number[];
  if (axisText !== undefined) {
    if (!/^\s*-?\d{1,3}\s*$/.test(axisText)) throw invalid('axis', 'Input should be a valid integer', axisText, 'int_parsing');
    const axis = Number(axisText) < 0 ? Number(axisText) + shape.length : Number(axisText);
    if (axis < 0 || axis >= shape.length) {
      throw new HttpError(400, `axis ${axisText} is out of bounds for the sliced array of ${shape.length} dimensions`);
    }
    const count = positiveInt('bins', binsText);
    bins = shape.map((length, k) => (k === axis ? count : length));
  } else {
    const parts = binsText.split(',');
    if (parts.length !== shape.length) {
      throw invalid('bins', `give one bin count per axis of the sliced array (${shape.length}), or axis=k with a single count`, binsText);
    }
    bins = parts.map((part) => positiveInt('bins', part));
  }
  const clamped = bins.map((b, k) => Math.min(b, shape[k]!));
  const cells = clamped.reduce((a, b) => a * b, 1);
  if (cells > MAX_OVERVIEW_CELLS) throw new HttpError(413, `an overview of ${cells} bins is over the limit of ${MAX_OVERVIEW_CELLS}`);
  return clamped;
}
