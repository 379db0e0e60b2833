import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { CSP_DIRECTIVES } from '../../common/contentSecurityPolicy.js';
import { type AccessPolicy, TOKEN_COOKIE, presentedToken, tokenMatches } from '../access.js';
import { hostOrigin, parseHostHeader, requestTarget } from '../net/safeUrl.js';
import { HttpError } from './errors.js';
import { hostRefusalDetail } from './hostAllowlist.js';

export interface Refusal {
  readonly status: 400 | 401 | 403;
  readonly detail: string;
}

export interface GuardPolicy {
  readonly access: AccessPolicy;
  /** Origins besides the server's own that browsers may call it from. */
  readonly allowedOrigins: readonly string[];
  /** Whether a Host name may reach a server that has no token (see hostAllowlist). */
  readonly hostAllowed: (hostname: string) => boolean;
}

/**
 * Why a request (or WebSocket upgrade) may not proceed, if it may not: a malformed target or Host,
 * a Host a tokenless server does not answer to (DNS rebinding), a browser page from a foreign
 * origin (which could otherwise drive a loopback server behind the user's back), or a missing or
 * wrong token where one is required. "Our own origin" comes from the Host only once it passed.
 */
export function refusal(req: IncomingMessage, { access, allowedOrigins, hostAllowed }: GuardPolicy): Refusal | undefined {
  const target = requestTarget(req);
  if (!target) return { status: 400, detail: 'malformed request target' };
  const host = parseHostHeader(req.headers.host);
  if (!host) return { status: 400, detail: 'malformed or missing Host header' };
  if (access.token === undefined && !hostAllowed(host.hostname)) return { status: 403, detail: hostRefusalDetail(host.hostname) };
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== hostOrigin(host) && !allowedOrigins.includes(origin)) {
    return { status: 403, detail: originRefusalDetail(origin) };
  }
  if (access.token !== undefined && !tokenMatches(access.token, presentedToken(req.headers, target.searchParams))) {
    return { status: 401, detail: 'missing or invalid token: send "Authorization: Bearer <token>" or add ?token=<token>' };
  }
  return undefined;
}

/** `null` is the opaque origin of sandboxed and file:// pages: any page can claim it, so no flag allows it. */
function originRefusalDetail(origin: string): string {
  if (origin === 'null') return 'requests from an opaque origin ("null": a sandboxed or file:// page) are never allowed';
  return `requests from origin ${origin} are not allowed; start the server with --allow-origin ${origin}`;
}

/**
 * Enforces `refusal` on HTTP. A token that arrived in the query is kept in a cookie so the UI's own
 * requests carry it, but only once it is verified itself (a valid Bearer alongside must not launder it).
 */
export function accessGuard(policy: GuardPolicy): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'OPTIONS') return next(); // CORS preflights carry no credentials
    const problem = refusal(req, policy);
    if (problem) {
      if (problem.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
      return next(new HttpError(problem.status, problem.detail));
    }
    const queryToken = requestTarget(req)?.searchParams.get('token');
    const { token } = policy.access;
    if (token !== undefined && queryToken && tokenMatches(token, queryToken)) {
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
