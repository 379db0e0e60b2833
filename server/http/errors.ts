import type { ErrorRequestHandler, RequestHandler } from 'express';
import multer from 'multer';
import type { ErrorBody, ValidationIssue } from '../../common/protocol.js';
import { NpyError } from '../../common/npy/errors.js';
import type { Logger } from '../logger.js';
import { DomainError, httpStatusOf } from './domainErrors.js';

/** An error with the status and `detail` the client should see. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: ErrorBody['detail'],
  ) {
    super(typeof detail === 'string' ? detail : 'validation error');
  }

  /** FastAPI's 422 for a request field that is missing or malformed. */
  static validation(issue: ValidationIssue): HttpError {
    return new HttpError(422, [issue]);
  }
}

/** Parses a path `{index}` as FastAPI parses an `int` parameter, with the same 422 when it is not one. */
export function parseIndexParam(raw: string): number {
  const text = raw.trim();
  if (!/^[-+]?\d{1,15}$/.test(text)) {
    throw HttpError.validation({
      type: 'int_parsing',
      loc: ['path', 'index'],
      msg: 'Input should be a valid integer, unable to parse string as an integer',
      input: raw,
    });
  }
  return Number(text);
}

const MULTER_STATUS: Partial<Record<multer.ErrorCode, number>> = { LIMIT_FILE_SIZE: 413 };

function multerDetail(err: multer.MulterError, maxUploadBytes: number): string {
  switch (err.code) {
    case 'LIMIT_FILE_SIZE':
      return `upload is larger than the limit of ${maxUploadBytes} bytes`;
    default:
      return `malformed multipart upload: ${err.message}`;
  }
}

/** FastAPI's answer for a known path asked with a method it does not serve. */
export const methodNotAllowed: RequestHandler = (_req, _res, next) => next(new HttpError(405, 'Method Not Allowed'));

/** FastAPI's 422 when the multipart field `file` is absent (also when the file came under another name). */
export function missingFileField(): HttpError {
  return HttpError.validation({ type: 'missing', loc: ['body', 'file'], msg: 'Field required', input: null });
}

export function notFound(): RequestHandler {
  return (_req, _res, next) => next(new HttpError(404, 'Not Found'));
}

/** Turns every error into `{"detail": ...}` with the status FastAPI would use. */
export function errorHandler(logger: Logger, maxUploadBytes: number): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    let status = 500;
    let detail: ErrorBody['detail'] = 'Internal Server Error';
    if (err instanceof HttpError) {
      ({ status, detail } = err);
    } else if (err instanceof DomainError) {
      status = httpStatusOf(err);
      detail = err.message;
    } else if (err instanceof NpyError) {
      status = 400;
      detail = `Invalid numpy file: ${err.message}`;
    } else if (err instanceof multer.MulterError && err.code === 'LIMIT_UNEXPECTED_FILE') {
      ({ status, detail } = missingFileField());
    } else if (err instanceof multer.MulterError) {
      status = MULTER_STATUS[err.code] ?? 400;
      detail = multerDetail(err, maxUploadBytes);
    } else if (isBodyParserError(err)) {
      status = err.status;
      detail = err.message;
    } else if ((err as NodeJS.ErrnoException)?.code === 'ENOSPC') {
      status = 507;
      detail = 'the server has no space left to store this upload';
    } else {
      logger.error(`unhandled error: ${(err as Error)?.stack ?? String(err)}`);
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(status).json({ detail } satisfies ErrorBody);
  };
}

function isBodyParserError(err: unknown): err is { status: number; message: string } {
  const status = (err as { status?: unknown })?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}
