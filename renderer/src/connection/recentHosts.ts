import type { ServerAddress } from '../../../client/index.js';

/** The part of localStorage used here, so tests can pass a Map-backed stand-in. */
export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

/** localStorage, or a stand-in that forgets on reload where the page may not have storage. */
export function pageStorage(): KeyValueStore {
  try {
    return window.localStorage;
  } catch {
    const memory = new Map<string, string>();
    return { getItem: (key) => memory.get(key) ?? null, setItem: (key, value) => void memory.set(key, value) };
  }
}

const STORAGE_KEY = 'npy-studio.recent-hosts';
export const MAX_RECENT_HOSTS = 8;

function isAddress(value: unknown): value is ServerAddress {
  const { url, token } = (value ?? {}) as Record<string, unknown>;
  return typeof url === 'string' && (token === undefined || typeof token === 'string');
}

/**
 * Servers used before, most recent first, with their tokens: storage is private to this app's
 * origin, whose strict CSP runs no code but ours.
 */
export class RecentHosts {
  constructor(private readonly storage: KeyValueStore) {}

  list(): ServerAddress[] {
    try {
      const stored: unknown = JSON.parse(this.storage.getItem(STORAGE_KEY) ?? '[]');
      return Array.isArray(stored) ? stored.filter(isAddress).slice(0, MAX_RECENT_HOSTS) : [];
    } catch {
      return [];
    }
  }

  /** Puts the server first; a server already listed keeps its token unless a new one is given. */
  remember(address: ServerAddress): void {
    const previous = this.list().find((a) => a.url === address.url);
    const token = address.token ?? previous?.token;
    this.save([{ url: address.url, ...(token ? { token } : {}) }, ...this.list().filter((a) => a.url !== address.url)]);
  }

  /** The address with the token remembered for its server when it brings none (e.g. from `?server=` after a reload). */
  withRememberedToken(address: ServerAddress): ServerAddress {
    if (address.token) return address;
    const token = this.list().find((a) => a.url === address.url)?.token;
    return token ? { ...address, token } : address;
  }

  forget(url: string): void {
    this.save(this.list().filter((a) => a.url !== url));
  }

  private save(addresses: ServerAddress[]): void {
    try {
      this.storage.setItem(STORAGE_KEY, JSON.stringify(addresses.slice(0, MAX_RECENT_HOSTS)));
    } catch {
      // Storage full or disabled: the list is a convenience, not worth an error.
    }
  }
}
