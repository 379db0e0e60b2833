import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** Who may use the server: nobody needs a token when `token` is undefined. */
export interface AccessPolicy {
  readonly token?: string;
}

export interface AccessChoice {
  readonly host: string;
  /** A token the user configured. */
  readonly token?: string;
  /** The user explicitly opted out of authentication. */
  readonly noAuth?: boolean;
}

export interface ResolvedAccess {
  readonly policy: AccessPolicy;
  /** What to tell the user about it, if anything. */
  readonly warning?: string;
  readonly generated: boolean;
}

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '[::1]';
}

/**
 * Loopback binds need no token. Any other bind requires one: the configured token, or a random one
 * generated now (as Jupyter does), unless the user explicitly passed `--no-auth`.
 */
export function resolveAccess(choice: AccessChoice, generate = () => randomBytes(24).toString('base64url')): ResolvedAccess {
  if (choice.token) return { policy: { token: choice.token }, generated: false };
  if (choice.noAuth) {
    return {
      policy: {},
      generated: false,
      warning: isLoopbackHost(choice.host)
        ? undefined
        : `authentication is off (--no-auth) while listening on ${choice.host}: anyone who can reach this port can read, upload and delete arrays`,
    };
  }
  if (isLoopbackHost(choice.host)) return { policy: {}, generated: false };
  return { policy: { token: generate() }, generated: true };
}

/** Compares in time independent of where the strings differ (hashing first makes the lengths equal). */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

export const TOKEN_COOKIE = 'npy_studio_token';

/** The token a request carries: `Authorization: Bearer`, `?token=`, or the cookie set by the UI's first visit. */
export function presentedToken(headers: { authorization?: string; cookie?: string }, query: URLSearchParams): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
  if (bearer) return bearer;
  const token = query.get('token');
  if (token) return token;
  for (const part of (headers.cookie ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator >= 0 && part.slice(0, separator).trim() === TOKEN_COOKIE) return decodeCookieValue(part.slice(separator + 1).trim());
  }
  return undefined;
}

/** A cookie value as sent; a malformed %-escape is simply not our token, never an exception. */
function decodeCookieValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
