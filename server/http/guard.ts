import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { CSP_DIRECTIVES } from '../../common/contentSecurityPolicy.js';
import { type AccessPolicy, TOKEN_COOKIE, presentedToken, tokenMatches } from '../access.js';
import { HttpError } from './errors.js';

export interface Refusal {
  readonly status: 401 | 403;
  readonly detail: string;
}

/**
 * Why a request (or WebSocket upgrade) may not proceed, if it may not: a browser page from a
 * foreign origin (which could otherwise drive a loopback server behind the user's back), or a
 * missing/wrong token where one is required.
 */
export function refusal(req: IncomingMessage, policy: AccessPolicy, allowedOrigins: readonly string[]): Refusal | undefined {
  const url = requestUrl(req);
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== url.origin && !allowedOrigins.includes(origin)) {
    return { status: 403, detail: `requests from origin ${origin} are not allowed; start the server with --allow-origin ${origin}` };
  }
  if (policy.token !== undefined && !tokenMatches(policy.token, presentedToken(req.headers, url))) {
    return { status: 401, detail: 'missing or invalid token: send "Authorization: Bearer <token>" or add ?token=<token>' };
  }
  return undefined;
}

export function requestUrl(req: IncomingMessage): URL {
  return new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
}

/** Enforces `refusal` on HTTP; a token that arrived in the query is kept in a cookie so the UI's own requests carry it. */
export function accessGuard(policy: AccessPolicy, allowedOrigins: readonly string[]): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'OPTIONS') return next(); // CORS preflights carry no credentials
    const problem = refusal(req, policy, allowedOrigins);
    if (problem) {
      if (problem.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
      return next(new HttpError(problem.status, problem.detail));
    }
    const queryToken = requestUrl(req).searchParams.get('token');
    if (policy.token !== undefined && queryToken) {
      res.cookie(TOKEN_COOKIE, queryToken, { httpOnly: true, sameSite: 'strict', path: '/' });
    }
    next();
  };
}

/** Security headers for everything served, strict CSP included (the UI needs no inline script). */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: CSP_DIRECTIVES as Record<string, string[]>,
    },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    strictTransportSecurity: false,
  });
}
