import type { Request, RequestHandler, Response } from 'express';

type HeaderValue = number | string | readonly string[];

/**
 * The headers a fixed-header middleware (helmet, configured once) sets, captured by running it once
 * against a stand-in response; the returned middleware sets the same list on every response without
 * running the original's per-request code again (measured on `/health`, where it was a visible share).
 */
export function precomputedHeaders(source: RequestHandler): RequestHandler {
  const headers: [string, HeaderValue][] = [];
  const removed: string[] = [];
  const standIn = {
    setHeader(name: string, value: HeaderValue) {
      headers.push([name, value]);
      return standIn;
    },
    removeHeader: (name: string) => removed.push(name),
    getHeader: () => undefined,
  };
  let finished = false;
  void source({ method: 'GET', url: '/', headers: {} } as Request, standIn as unknown as Response, () => (finished = true));
  if (!finished) throw new Error('a header middleware to precompute must call next() at once');
  return (_req, res, next) => {
    for (const name of removed) res.removeHeader(name);
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}
