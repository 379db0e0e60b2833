/** A server to talk to: its base URL (no trailing slash) and, for servers that require one, the access token. */
export interface ServerAddress {
  readonly url: string;
  readonly token?: string;
}

/** What a user typed cannot name a server; the message completes "the server address …". */
export class InvalidServerAddress extends Error {
  override readonly name = 'InvalidServerAddress';
}

const EXAMPLE = 'http://192.168.1.10:8000';

/**
 * The one reading of a server address, shared by the CLI's `--server`, the desktop app's
 * `--remote` and the app's connection form. `host:port` gets `http://`; trailing slashes go; a path
 * is kept (a server behind a reverse proxy); a `?token=` (as the server prints its address) becomes
 * the token unless one is given; other query parameters and the fragment are dropped, since the
 * app's own page URL is a common paste. Credentials in the URL are refused: tokens travel apart.
 */
export function parseServerAddress(input: string, token?: string): ServerAddress {
  const text = input.trim();
  if (!text) throw new InvalidServerAddress(`is empty: give one such as ${EXAMPLE}`);
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(text) && !/^[^/]*:\d+(\/|$)/.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new InvalidServerAddress(`${JSON.stringify(text)} is not a URL such as ${EXAMPLE}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidServerAddress(`must be an http:// or https:// URL, not ${url.protocol}`);
  if (url.username || url.password) throw new InvalidServerAddress('must not contain a user name or password: give the token apart');
  const chosenToken = token?.trim() || url.searchParams.get('token') || undefined;
  return { url: `${url.origin}${url.pathname.replace(/\/+$/, '')}`, ...(chosenToken ? { token: chosenToken } : {}) };
}
