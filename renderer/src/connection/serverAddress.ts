/** A server to talk to: its base URL and, for servers that require one, the access token. */
export interface ServerAddress {
  readonly url: string;
  readonly token?: string;
}

/** Used when the page is neither served over HTTP nor told where the server is. */
export const FALLBACK_SERVER_URL = 'http://127.0.0.1:8000';

/**
 * A server from what a user typed or pasted: `host:port` gets `http://`, the trailing slash goes,
 * and a `?token=` (as the server prints its address) becomes the token unless one is given. A path
 * is kept (a server behind a reverse proxy); other query parameters and the fragment are not.
 */
export function parseServerAddress(input: string, token?: string): ServerAddress {
  const text = input.trim();
  if (!text) throw new Error('Enter a server URL such as http://192.168.1.10:8000');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`Not a valid URL: ${text}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`Use an http:// or https:// URL, not ${url.protocol}//`);
  const chosenToken = token?.trim() || url.searchParams.get('token') || undefined;
  return { url: `${url.origin}${url.pathname.replace(/\/+$/, '')}`, ...(chosenToken ? { token: chosenToken } : {}) };
}

export interface StartupContext {
  /** `location.search`: `?server=URL` wins. */
  search: string;
  /** From the desktop app's bridge, when running in Electron. */
  desktopServerUrl?: string;
  /** `location.origin`: the server that served this page. */
  origin: string;
}

export function initialServer({ search, desktopServerUrl, origin }: StartupContext): ServerAddress {
  const requested = new URLSearchParams(search).get('server');
  if (requested) {
    try {
      return parseServerAddress(requested);
    } catch {
      // Ignore a malformed parameter and start where we would have anyway.
    }
  }
  if (desktopServerUrl) return parseServerAddress(desktopServerUrl);
  // The serving server put any `?token=` of this page in a cookie, which same-origin requests carry.
  return { url: /^https?:/.test(origin) ? origin : FALLBACK_SERVER_URL };
}
