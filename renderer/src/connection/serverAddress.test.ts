import { describe, expect, it } from 'vitest';
import { FALLBACK_SERVER_URL, initialServer, parseServerAddress } from './serverAddress.js';

describe('parseServerAddress', () => {
  it('adds http:// and drops trailing slashes, other queries and fragments', () => {
    expect(parseServerAddress(' 192.168.1.5:8000 ')).toEqual({ url: 'http://192.168.1.5:8000' });
    expect(parseServerAddress('https://lab.example.org/npy/?x=1#y')).toEqual({ url: 'https://lab.example.org/npy' });
    expect(parseServerAddress('HTTP://Host:80/')).toEqual({ url: 'http://host' });
  });

  it('takes the token from the pasted address unless one is given', () => {
    expect(parseServerAddress('http://lab:8000/?token=abc')).toEqual({ url: 'http://lab:8000', token: 'abc' });
    expect(parseServerAddress('http://lab:8000/?token=abc', ' xyz ')).toEqual({ url: 'http://lab:8000', token: 'xyz' });
    expect(parseServerAddress('lab:8000', '')).toEqual({ url: 'http://lab:8000' });
  });

  it('refuses what cannot be a server', () => {
    expect(() => parseServerAddress('')).toThrow(/Enter a server URL/);
    expect(() => parseServerAddress('ftp://host')).toThrow(/http/);
    expect(() => parseServerAddress('http://exa mple')).toThrow(/Not a valid URL/);
  });
});

describe('initialServer', () => {
  const origin = 'http://127.0.0.1:5000';

  it('prefers ?server=, then the desktop config, then the page origin', () => {
    expect(initialServer({ search: '?server=10.0.0.2:8000', desktopServerUrl: 'http://a:1', origin })).toEqual({
      url: 'http://10.0.0.2:8000',
    });
    expect(initialServer({ search: '', desktopServerUrl: 'http://a:1/?token=t', origin })).toEqual({ url: 'http://a:1', token: 't' });
    expect(initialServer({ search: '?server=', origin })).toEqual({ url: origin });
  });

  it('ignores a malformed parameter', () => {
    expect(initialServer({ search: '?server=ftp://x', origin })).toEqual({ url: origin });
  });

  it('falls back to localhost when the page is not served over HTTP', () => {
    expect(initialServer({ search: '', origin: 'app://npy-studio' })).toEqual({ url: FALLBACK_SERVER_URL });
    expect(initialServer({ search: '', origin: 'null' })).toEqual({ url: FALLBACK_SERVER_URL });
  });
});
