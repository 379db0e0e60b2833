import { describe, expect, it } from 'vitest';
import { MAX_RECENT_HOSTS, RecentHosts, type KeyValueStore } from './recentHosts.js';

function memoryStore(initial: Record<string, string> = {}): KeyValueStore {
  const data = new Map(Object.entries(initial));
  return { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('RecentHosts', () => {
  it('lists servers most recent first without duplicates', () => {
    const hosts = new RecentHosts(memoryStore());
    hosts.remember({ url: 'http://a:1' });
    hosts.remember({ url: 'http://b:2' });
    hosts.remember({ url: 'http://a:1' });
    expect(hosts.list()).toEqual([{ url: 'http://a:1' }, { url: 'http://b:2' }]);
  });

  it('keeps a known token unless given a new one', () => {
    const hosts = new RecentHosts(memoryStore());
    hosts.remember({ url: 'http://a:1', token: 'old' });
    hosts.remember({ url: 'http://a:1' });
    expect(hosts.list()).toEqual([{ url: 'http://a:1', token: 'old' }]);
    hosts.remember({ url: 'http://a:1', token: 'new' });
    expect(hosts.list()).toEqual([{ url: 'http://a:1', token: 'new' }]);
  });

  it('fills in the token remembered for a server', () => {
    const hosts = new RecentHosts(memoryStore());
    hosts.remember({ url: 'http://a:1', token: 't' });
    expect(hosts.withRememberedToken({ url: 'http://a:1' })).toEqual({ url: 'http://a:1', token: 't' });
    expect(hosts.withRememberedToken({ url: 'http://a:1', token: 'u' })).toEqual({ url: 'http://a:1', token: 'u' });
    expect(hosts.withRememberedToken({ url: 'http://b:1' })).toEqual({ url: 'http://b:1' });
  });

  it(`keeps at most ${MAX_RECENT_HOSTS}`, () => {
    const hosts = new RecentHosts(memoryStore());
    for (let i = 0; i < 12; i++) hosts.remember({ url: `http://h${i}:1` });
    expect(hosts.list()).toHaveLength(MAX_RECENT_HOSTS);
    expect(hosts.list()[0]).toEqual({ url: 'http://h11:1' });
  });

  it('forgets a server', () => {
    const hosts = new RecentHosts(memoryStore());
    hosts.remember({ url: 'http://a:1' });
    hosts.remember({ url: 'http://b:2' });
    hosts.forget('http://a:1');
    expect(hosts.list()).toEqual([{ url: 'http://b:2' }]);
  });

  it('survives corrupt storage and storage that refuses writes', () => {
    const stored = (value: string) => new RecentHosts(memoryStore({ 'npy-studio.recent-hosts': value })).list();
    expect(stored('{oops')).toEqual([]);
    expect(stored('[1, "http://x:1", {"url": "http://a:1"}, {"url": "http://b:1", "token": 5}]')).toEqual([{ url: 'http://a:1' }]);
    const full: KeyValueStore = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(() => new RecentHosts(full).remember({ url: 'http://a:1' })).not.toThrow();
  });
});
