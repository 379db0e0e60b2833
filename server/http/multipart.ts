import type { RequestHandler } from 'express';
import multer from 'multer';
import { NpyError } from '../../common/npy/errors.js';
import { HttpError } from './errors.js';

/**
 * The multipart parser's own failures (no boundary, a truncated or empty body, a malformed part
 * header) are the client's: 400 with what was wrong. What the store reports while staging the file
 * (a bad .npy, a full disk, a client that went away) keeps its own meaning.
 */
export function withMultipartErrors(parse: RequestHandler): RequestHandler {
  return (req, res, next) => {
    parse(req, res, (err?: unknown) => next(err === undefined ? undefined : classify(err)));
  };
}

function classify(err: unknown): unknown {
  if (err instanceof HttpError || err instanceof NpyError || err instanceof multer.MulterError) return err;
  if (/^E[A-Z]+$/.test(String((err as NodeJS.ErrnoException)?.code))) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new HttpError(400, `malformed multipart upload: ${message.slice(0, 200)}`);
}
