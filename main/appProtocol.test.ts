import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { APP_ORIGIN } from '../common/desktop.js';
import { CONTENT_SECURITY_POLICY } from '../common/contentSecurityPolicy.js';
import { APP_SCHEME_PRIVILEGES, isAppUrl, resolveAppPath, serveAppRequest } from './appProtocol.js';

const root = mkdtempSync(join(tmpdir(), 'npy-renderer-'));
mkdirSync(join(root, 'assets'));
writeFileSync(join(root, 'index.html'), '<!doctype html><title>NPY Studio</title>');
writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
// A sibling whose name starts with the root's: a naive startsWith(root) check would let it through.
const sibling = `${root}-secret`;
const rootName = basename(root);
const siblingName = basename(sibling);
mkdirSync(sibling);
writeFileSync(join(sibling, 'key.txt'), 'secret');

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(sibling, { recursive: true, force: true });
});

describe('APP_SCHEME_PRIVILEGES', () => {
  it('registers app: as a standard, secure, fetchable, CORS-enabled scheme', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({
      scheme: 'app',
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
    });
  });
});

describe('isAppUrl', () => {
  it('accepts only app://npy-studio', () => {
    expect(isAppUrl(`${APP_ORIGIN}/index.html`)).toBe(true);
    expect(isAppUrl(`${APP_ORIGIN}/`)).toBe(true);
    for (const url of [
      'app://other/index.html',
      'app://npy-studio.evil.com/',
      'app://npy-studio@evil/',
      'app://user:pw@npy-studio/',
      'app://npy-studio:8080/',
      'http://npy-studio/',
      'https://example.org/',
      'file:///index.html',
      'not a url',
      '',
    ]) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });
});

describe('resolveAppPath', () => {
  it('maps app:// paths to files in the renderer folder', () => {
    expect(resolveAppPath(root, `${APP_ORIGIN}/index.html`)).toBe(join(root, 'index.html'));
    expect(resolveAppPath(root, `${APP_ORIGIN}/`)).toBe(join(root, 'index.html'));
    expect(resolveAppPath(root, `${APP_ORIGIN}`)).toBe(join(root, 'index.html'));
    expect(resolveAppPath(root, `${APP_ORIGIN}/assets/app.js?v=1#x`)).toBe(join(root, 'assets', 'app.js'));
    expect(resolveAppPath(root, `${APP_ORIGIN}/assets/`)).toBe(join(root, 'assets', 'index.html'));
    expect(resolveAppPath(root, `${APP_ORIGIN}/my%20file.txt`)).toBe(join(root, 'my file.txt'));
  });

  it.each([
    ['encoded ../', '/..%2F..%2Fetc%2Fpasswd'],
    ['encoded ../ below a folder', '/assets/..%2F..%2F..%2Fetc%2Fpasswd'],
    ['a sibling folder sharing the prefix', `/..%2F${siblingName}%2Fkey.txt`],
    ['the folder itself', `/..%2F${rootName}`],
    ['a NUL byte', '/index.html%00.png'],
    ['malformed escapes', '/%E0%A4%A'],
  ])('refuses %s', (_case, path) => {
    expect(resolveAppPath(root, `${APP_ORIGIN}${path}`)).toBeUndefined();
  });

  it('keeps paths the URL parser already normalised inside the folder', () => {
    expect(resolveAppPath(root, `${APP_ORIGIN}/../../etc/passwd`)).toBe(join(root, 'etc', 'passwd'));
    expect(resolveAppPath(root, `${APP_ORIGIN}/%2e%2e/%2e%2e/etc/passwd`)).toBe(join(root, 'etc', 'passwd'));
    expect(resolveAppPath(root, `${APP_ORIGIN}/%2Fetc%2Fpasswd`)).toBe(join(root, 'etc', 'passwd'));
  });

  it('treats encoded backslashes as separators only where the OS does', () => {
    const file = resolveAppPath(root, `${APP_ORIGIN}/..%5C..%5Cwindows%5Cwin.ini`);
    expect(file).toBe(process.platform === 'win32' ? undefined : join(root, '..\\..\\windows\\win.ini'));
  });

  it('refuses other schemes and hosts', () => {
    expect(resolveAppPath(root, 'app://other/index.html')).toBeUndefined();
    expect(resolveAppPath(root, 'file:///etc/passwd')).toBeUndefined();
    expect(resolveAppPath(root, 'http://127.0.0.1/index.html')).toBeUndefined();
  });
});

describe('serveAppRequest', () => {
  it('serves files with their content type, the CSP and nosniff', async () => {
    const response = await serveAppRequest(new Request(`${APP_ORIGIN}/index.html`), root);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<title>NPY Studio</title>');

    const script = await serveAppRequest(new Request(`${APP_ORIGIN}/assets/app.js`), root);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('answers HEAD without a body', async () => {
    const response = await serveAppRequest(new Request(`${APP_ORIGIN}/index.html`, { method: 'HEAD' }), root);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('answers 404 for missing files, folders and traversal, still with the CSP', async () => {
    for (const path of ['/missing.js', '/assets', '/..%2F..%2Fetc%2Fpasswd', `/..%2F${siblingName}%2Fkey.txt`]) {
      const response = await serveAppRequest(new Request(`${APP_ORIGIN}${path}`), root);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(await response.text()).not.toContain('secret');
    }
  });

  it('refuses methods other than GET and HEAD', async () => {
    const response = await serveAppRequest(new Request(`${APP_ORIGIN}/index.html`, { method: 'POST', body: 'x' }), root);
    expect(response.status).toBe(405);
  });
});

describe('CONTENT_SECURITY_POLICY', () => {
  it('is the strict policy: own scripts only, HTTP/WS connections to servers, no plugins, bases or framing', () => {
    const directives = CONTENT_SECURITY_POLICY.split('; ');
    for (const strict of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ]) {
      expect(directives).toContain(strict);
    }
    expect(directives).toContain("connect-src 'self' http: https: ws: wss:");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
  });
});
