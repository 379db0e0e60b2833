/** DNS rebinding (issue 10, high): a server without a token answers only to Host names that cannot be rebound to it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServerArgs, UsageError } from '../server/cliOptions.js';
import { hostAllowlist } from '../server/http/hostAllowlist.js';
import { parseHostHeader } from '../server/net/safeUrl.js';
import { detailOf, rawRequest } from './fuzz/rawHttp.js';
import { type TestServer, startTestServer } from './helpers/server.js';

const UPGRADE = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';

const get = (port: number, path: string, host: string, extra = '') =>
  rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n${extra}Connection: close\r\n\r\n`);

describe('a server without a token', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ allowedHosts: ['lab-pc', '.example.org'] });
  });
  afterAll(() => server.dispose());

  it('answers loopback names, IP addresses, the bound address and --allow-host names', async () => {
    for (const host of [
      'localhost',
      'LOCALHOST.',
      'app.localhost',
      '127.0.0.1',
      '[::1]',
      '10.1.2.3',
      'lab-pc',
      'x.example.org',
      'example.org',
    ]) {
      const response = await get(server.port, '/health', `${host}:${server.port}`);
      expect(response.status, host).toBe(200);
    }
  });

  it('refuses any other Host with 403 and a detail naming --allow-host, over HTTP and on upgrades', async () => {
    const refused = await get(server.port, '/arrays', `rebind.attacker.test:${server.port}`);
    expect(refused.status).toBe(403);
    expect(detailOf(refused)).toMatch(/--allow-host rebind\.attacker\.test/);
    for (const path of ['/ws/stream', '/ws/publish?channel=x']) {
      const upgrade = await get(server.port, path, `rebind.attacker.test:${server.port}`, UPGRADE);
      expect(upgrade.status).toBe(403);
    }
  });

  it('no longer takes a rebound page for its own origin (Origin and Host both the attacker’s name)', async () => {
    const response = await get(server.port, '/arrays', 'evil.test', 'Origin: http://evil.test\r\n');
    expect(response.status).toBe(403);
    const upload = await rawRequest(
      server.port,
      `DELETE /array/0 HTTP/1.1\r\nHost: evil.test\r\nOrigin: http://evil.test\r\nConnection: close\r\n\r\n`,
    );
    expect(upload.status).toBe(403);
  });

  it('still takes its own pages for same-origin (Origin equal to an allowed Host)', async () => {
    const response = await get(server.port, '/arrays', `localhost:${server.port}`, `Origin: http://localhost:${server.port}\r\n`);
    expect(response.status).toBe(200);
  });
});

describe('a server with a token', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ token: 'lab-token' });
  });
  afterAll(() => server.dispose());

  it('answers any Host with the token (remote use: lab-pc, Docker, a load balancer) and none without it', async () => {
    const withToken = await get(server.port, '/health?token=lab-token', 'lab-pc.behind.proxy:8000');
    expect(withToken.status).toBe(200);
    const upgrade = await get(server.port, '/ws/stream?token=lab-token', 'lab-pc.behind.proxy', UPGRADE);
    expect(upgrade.status).toBe(101);
    const without = await get(server.port, '/health', 'lab-pc.behind.proxy:8000');
    expect(without.status).toBe(401);
  });
});

describe('the pieces', () => {
  it('reads a Host header strictly, never throwing', () => {
    expect(parseHostHeader('Lab-PC:8000')).toEqual({ hostname: 'lab-pc', port: 8000 });
    expect(parseHostHeader('[::1]:80')).toEqual({ hostname: '::1', port: 80 });
    for (const bad of [undefined, '', 'a b', 'localhost:70000', 'localhost:', '[::g]', '[', 'a/b', 'user@host', 'x'.repeat(300)]) {
      expect(parseHostHeader(bad), String(bad)).toBeUndefined();
    }
  });

  it('allows the bound name, exact and dotted --allow-host entries', () => {
    const allowed = hostAllowlist('lab-pc', ['data.example.com', '.lab.example.org']);
    expect(['lab-pc', 'data.example.com', 'a.lab.example.org', 'lab.example.org', '192.168.1.2', '::1'].every(allowed)).toBe(true);
    expect(['example.com', 'evillab.example.org', 'lab-pc.evil.test', 'localhost.evil.test'].some(allowed)).toBe(false);
  });

  it('reads --allow-host from the command line, repeatable, and refuses what is no host name', () => {
    expect(parseServerArgs(['--allow-host', 'Lab-PC', '--allow-host', '.example.org']).allowedHosts).toEqual(['lab-pc', '.example.org']);
    expect(() => parseServerArgs(['--allow-host', 'http://lab-pc'])).toThrow(UsageError);
  });
});
