import { describe, expect, it } from 'vitest';
import { FALLBACK_SERVER_URL, initialServer } from './serverAddress.js';

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
