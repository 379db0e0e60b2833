import { type ServerAddress, parseServerAddress } from '../../../client/index.js';

/** Used when the page is neither served over HTTP nor told where the server is. */
export const FALLBACK_SERVER_URL = 'http://127.0.0.1:8000';

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
