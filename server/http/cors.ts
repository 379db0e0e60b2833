import cors from 'cors';
import type { RequestHandler } from 'express';

/**
 * Cross-origin access only for the listed origins (by default the desktop app's `app://npy-studio`,
 * which no web page can claim); same-origin use of the served UI needs no CORS at all.
 */
export function corsPolicy(allowedOrigins: readonly string[]): RequestHandler {
  return cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowedOrigins.includes(origin)),
    exposedHeaders: ['Content-Length', 'Content-Disposition'],
    maxAge: 600,
  });
}
