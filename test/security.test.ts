import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { dtypeFromName } from '../common/npy/dtype.js';
import { encodeNpy } from '../common/npy/codec.js';
import { isLoopbackHost, resolveAccess, tokenMatches } from '../server/access.js';
import { ManualSchedule } from './helpers/manualSchedule.js';
import { capturingLogger, startTestServer, type TestServer } from './helpers/server.js';
import { BEYOND_HANG_HEARTBEAT_MS } from './helpers/wait.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.dispose()));
});

async function serve(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const server = await startTestServer(options);
  servers.push(server);
  return server;
}

const npy = (values: number[]) =>
  encodeNpy({ dtype: dtypeFromName('float64'), shape: [values.length], data: new Uint8Array(Float64Array.from(values).buffer) });

function uploadForm(): FormData {
  const form = new FormData();
  form.append('file', new Blob([npy([1, 2, 3]) as Uint8Array<ArrayBuffer>]), 'a.npy');
  return form;
}

/** Every HTTP route, as [method, path, body?]. */
const ROUTES: [string, string, (() => FormData | Uint8Array)?][] = [
  ['GET', '/health'],
  ['GET', '/arrays'],
  ['GET', '/array/0'],
  ['GET', '/array/0?format=npy'],
  ['POST', '/upload', uploadForm],
  ['DELETE', '/array/0'],
  ['POST', '/control/start'],
  ['POST', '/control/stop'],
  ['GET', '/streams'],
  ['POST', '/stream/sensor', () => npy([1, 2])],
  ['GET', '/'],
];

/** Opens a WebSocket; resolves with 'open' or the HTTP status it was refused with. */
function tryUpgrade(url: string, headers: Record<string, string> = {}): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

describe('access policy', () => {
  it('needs no token on loopback, generates one elsewhere, and honours a configured token or --no-auth', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '192.168.1.5', '::', 'lab-pc'].some(isLoopbackHost)).toBe(false);
    expect(resolveAccess({ host: '127.0.0.1' }).policy.token).toBeUndefined();
    const generated = resolveAccess({ host: '0.0.0.0' });
    expect(generated.generated).toBe(true);
    expect(generated.policy.token).toMatch(/^[\w-]{32}$/);
    expect(resolveAccess({ host: '0.0.0.0' }).policy.token).not.toBe(generated.policy.token);
    expect(resolveAccess({ host: '127.0.0.1', token: 't' }).policy.token).toBe('t');
    const open = resolveAccess({ host: '0.0.0.0', noAuth: true });
    expect(open.policy.token).toBeUndefined();
    expect(open.warning).toMatch(/authentication is off/);
  });

  it('compares tokens exactly, whatever their lengths', () => {
    expect(tokenMatches('secret', 'secret')).toBe(true);
    expect(tokenMatches('secret', 'secreT')).toBe(false);
    expect(tokenMatches('secret', 'secret-and-more')).toBe(false);
    expect(tokenMatches('secret', '')).toBe(false);
    expect(tokenMatches('secret', undefined)).toBe(false);
  });
});

describe('a server with a token', () => {
  it('refuses every HTTP route without it (401 with a detail) and serves each with it', async () => {
    const server = await serve({ token: 'sesame' });
    for (const [method, path, body] of ROUTES) {
      const refused = await fetch(server.url + path, { method, body: body?.() as RequestInit['body'] });
      expect(refused.status, `${method} ${path}`).toBe(401);
      expect(((await refused.json()) as { detail: string }).detail).toMatch(/token/);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
      const wrong = await fetch(server.url + path, {
        method,
        body: body?.() as RequestInit['body'],
        headers: { authorization: 'Bearer open-sesame' },
      });
      expect(wrong.status, `${method} ${path} with a wrong token`).toBe(401);
    }
    const upload = await fetch(`${server.url}/upload`, { method: 'POST', body: uploadForm(), headers: { authorization: 'Bearer sesame' } });
    expect(upload.status).toBe(200);
    for (const [method, path] of ROUTES.filter(([m]) => m === 'GET' && !['/'].includes('x'))) {
      const ok = await fetch(`${server.url}${path}${path.includes('?') ? '&' : '?'}token=sesame`, { method });
      expect([200, 404], `${method} ${path}`).toContain(ok.status); // `/` is 404 when the UI is not built
    }
  });

  it('keeps a query token in an HttpOnly cookie that then authenticates the browser', async () => {
    const server = await serve({ token: 'sesame' });
    const first = await fetch(`${server.url}/health?token=sesame`);
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/npy_studio_token=sesame/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const later = await fetch(`${server.url}/arrays`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(later.status).toBe(200);
  });

  it('refuses WebSocket upgrades on /ws/stream and /ws/publish without the token', async () => {
    const server = await serve({ token: 'sesame' });
    const base = server.url.replace('http', 'ws');
    for (const path of ['/ws/stream', '/ws/stream?channel=x', '/ws/publish?channel=x']) {
      expect(await tryUpgrade(base + path), path).toBe(401);
      expect(await tryUpgrade(`${base}${path}${path.includes('?') ? '&' : '?'}token=nope`), path).toBe(401);
      expect(await tryUpgrade(`${base}${path}${path.includes('?') ? '&' : '?'}token=sesame`), path).toBe('open');
      expect(await tryUpgrade(base + path, { authorization: 'Bearer sesame' }), path).toBe('open');
    }
  });

  it('generates a token when bound to every interface, and prints a URL carrying it', async () => {
    const logger = capturingLogger();
    const server = await serve({ host: '0.0.0.0', logger });
    expect(server.token).toBeDefined();
    expect(server.browserUrl).toContain(`?token=${server.token}`);
    const local = server.url.replace('0.0.0.0', '127.0.0.1');
    expect((await fetch(`${local}/health`)).status).toBe(401);
    expect((await fetch(`${local}/health`, { headers: { authorization: `Bearer ${server.token}` } })).status).toBe(200);
  });

  it('serves every interface without a token only with noAuth, and warns', async () => {
    const logger = capturingLogger();
    const server = await serve({ host: '0.0.0.0', noAuth: true, logger });
    expect(server.token).toBeUndefined();
    expect(logger.warnings.join()).toMatch(/authentication is off/);
    expect((await fetch(`${server.url.replace('0.0.0.0', '127.0.0.1')}/health`)).status).toBe(200);
  });
});

describe('origins', () => {
  it('allows its own origin and configured ones (with CORS headers), and refuses foreign pages with 403', async () => {
    const server = await serve({ allowedOrigins: ['app://npy-studio', 'http://lab-pc:8000'] });
    const own = await fetch(`${server.url}/control/start`, { method: 'POST', headers: { origin: server.url } });
    expect(own.status).toBe(200);
    const allowed = await fetch(`${server.url}/arrays`, { headers: { origin: 'http://lab-pc:8000' } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://lab-pc:8000');
    const foreign = await fetch(`${server.url}/control/stop`, { method: 'POST', headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await foreign.json()) as { detail: string }).detail).toMatch(/--allow-origin/);
    expect(server.hub.demo.streaming).toBe(true); // the foreign stop did nothing
    expect(await tryUpgrade(`${server.url.replace('http', 'ws')}/ws/stream`, { origin: 'https://evil.example' })).toBe(403);
    expect(await tryUpgrade(`${server.url.replace('http', 'ws')}/ws/stream`, { origin: 'app://npy-studio' })).toBe('open');
  });

  it('sends security headers, a strict CSP among them', async () => {
    const server = await serve();
    const response = await fetch(`${server.url}/health`);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });
});

describe('limits', () => {
  it('refuses WebSocket connections past the limit with 503, and accepts again once one closes', async () => {
    const server = await serve({ maxConnections: 2 });
    const url = `${server.url.replace('http', 'ws')}/ws/stream`;
    const first = new WebSocket(url);
    const second = new WebSocket(url);
    await Promise.all([first, second].map((ws) => new Promise((r) => ws.once('open', r))));
    expect(await tryUpgrade(url)).toBe(503);
    first.close();
    await expect.poll(() => tryUpgrade(url)).toBe('open');
    second.close();
  });

  it('bounds a channel’s publish rate: excess packets are dropped and the producer told how many; POST gets 429', async () => {
    // A stopped clock: exactly the first second's burst (5) gets through, whatever the machine's speed.
    const schedule = new ManualSchedule();
    const server = await serve({ maxPublishRate: 5, now: schedule.now, repeat: schedule.repeat });
    const publisher = new WebSocket(`${server.url.replace('http', 'ws')}/ws/publish?channel=fast`);
    const errors: string[] = [];
    let publisherPongs = 0;
    publisher.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; detail?: string };
      if (message.type === 'error') errors.push(message.detail!);
      if (message.type === 'pong') publisherPongs++;
    });
    await new Promise((r) => publisher.once('open', r));
    const subscriber = new WebSocket(`${server.url.replace('http', 'ws')}/ws/stream?channel=fast`);
    let received = 0;
    let subscriberPongs = 0;
    subscriber.on('message', (data) => {
      const type = (JSON.parse(String(data)) as { type: string }).type;
      if (type === 'data') received++;
      if (type === 'pong') subscriberPongs++;
    });
    await new Promise((r) => subscriber.once('open', r));
    for (let i = 0; i < 50; i++) publisher.send(npy([i]));
    publisher.send(JSON.stringify({ action: 'ping' }));
    await expect.poll(() => publisherPongs).toBe(1);
    // The subscriber's pong follows every packet the server sent it before.
    subscriber.send(JSON.stringify({ action: 'ping' }));
    await expect.poll(() => subscriberPongs).toBe(1);
    expect(received).toBe(5);
    expect(errors[0]).toMatch(/publish rate limit of 5 packets\/s on channel fast: \d+ packet\(s\) dropped/);
    const post = () =>
      fetch(`${server.url}/stream/fast`, {
        method: 'POST',
        body: npy([1]) as RequestInit['body'],
        headers: { 'content-type': 'application/x-npy' },
      });
    const limited = await post();
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { detail: string }).detail).toMatch(/rate limit/);
    schedule.advance(1000); // a second later the bucket holds a second's worth again
    expect((await post()).status).toBe(200);
    publisher.close();
    subscriber.close();
  });

  it('answers oversized request headers with 431 and keeps serving', async () => {
    const server = await serve();
    const response = await fetch(`${server.url}/health`, { headers: { 'x-junk': 'x'.repeat(20_000) } }).catch(() => undefined);
    expect(response?.status ?? 431).toBe(431);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('answers a wrong method on a known path with 405, as FastAPI does', async () => {
    const server = await serve();
    for (const [method, path] of [
      ['GET', '/upload'],
      ['DELETE', '/arrays'],
      ['GET', '/control/start'],
      ['PUT', '/array/0'],
      ['GET', '/stream/x'],
    ]) {
      const response = await fetch(server.url + path, { method });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(await response.json()).toEqual({ detail: 'Method Not Allowed' });
    }
  });
});

describe('backpressure and dead peers', () => {
  it('drops packets for a subscriber that does not read, tells it how many, and keeps a fast one whole', async () => {
    // The slow subscriber reads nothing for a while, so it cannot answer heartbeat pings either.
    const server = await serve({ maxBufferedBytes: 256 * 1024, maxPublishRate: 100_000, heartbeatMs: BEYOND_HANG_HEARTBEAT_MS });
    const base = server.url.replace('http', 'ws');
    const fast = new WebSocket(`${base}/ws/stream?channel=bp`);
    const slow = new WebSocket(`${base}/ws/stream?channel=bp`);
    await Promise.all([fast, slow].map((ws) => new Promise((r) => ws.once('open', r))));
    const fastSeqs: number[] = [];
    fast.on('message', (data) => {
      const m = JSON.parse(String(data)) as { type: string; seq: number };
      if (m.type === 'data') fastSeqs.push(m.seq);
    });
    const slowMessages: { type: string; count?: number; seq?: number }[] = [];
    slow.on('message', (data) => slowMessages.push(JSON.parse(String(data))));
    // The slow subscriber stops reading: the server's socket buffer to it fills up.
    (slow as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();

    const publisher = new WebSocket(`${base}/ws/publish?channel=bp`);
    await new Promise((r) => publisher.once('open', r));
    const packet = npy(Array.from({ length: 2000 }, (_, i) => i));
    const total = 600;
    const handled = () => new Promise((resolve) => publisher.once('message', resolve)); // the publisher's pong
    for (let i = 0; i < total; i++) {
      publisher.send(packet);
      // A steady producer, not one burst: every 20 packets it waits until the server has handled them.
      if (i % 20 === 19) {
        const pong = handled();
        publisher.send(JSON.stringify({ action: 'ping' }));
        await pong;
      }
    }
    await expect.poll(() => fastSeqs.length).toBe(total);
    expect(fastSeqs).toEqual(Array.from({ length: total }, (_, i) => i));
    const slowSubscriber = [...server.hub.channel('bp').subscribers].find((s) => s.dropped > 0);
    expect(slowSubscriber?.dropped).toBeGreaterThan(0);

    (slow as unknown as { _socket: { resume(): void } })._socket.resume();
    // Once it catches up, the next packet it is sent carries the news of what it missed.
    let sent = total;
    await expect
      .poll(
        () => {
          publisher.send(packet);
          sent++;
          return slowMessages.some((m) => m.type === 'dropped');
        },
        { interval: 50 },
      )
      .toBe(true);
    const delivered = () => slowMessages.filter((m) => m.type === 'data').length;
    const reported = () => slowMessages.filter((m) => m.type === 'dropped').reduce((sum, m) => sum + m.count!, 0);
    // Every packet is accounted for: delivered, reported dropped, or dropped and not yet reported.
    await expect.poll(() => delivered() + reported() + slowSubscriber!.dropped).toBe(sent);
    expect(reported()).toBeGreaterThan(0);
    [fast, slow, publisher].forEach((ws) => ws.close());
  });

  it('closes a peer that stops answering pings', async () => {
    const schedule = new ManualSchedule();
    const server = await serve({ heartbeatMs: 100, repeat: schedule.repeat });
    const alive = new WebSocket(`${server.url.replace('http', 'ws')}/ws/stream`);
    const dead = new WebSocket(`${server.url.replace('http', 'ws')}/ws/stream`);
    await Promise.all([alive, dead].map((ws) => new Promise((r) => ws.once('open', r))));
    const channel = server.hub.channel('demo');
    expect(channel.subscribers.size).toBe(2);
    const roundTrip = async () => {
      const pong = new Promise((r) => alive.once('message', r));
      alive.send(JSON.stringify({ action: 'ping' }));
      expect(JSON.parse(String(await pong))).toEqual({ type: 'pong' });
    };
    // A vanished machine: nothing it was sent is read, so no pong comes back.
    (dead as unknown as { _socket: { pause(): void } })._socket.pause();
    const pinged = new Promise((r) => alive.once('ping', r));
    schedule.tick(100);
    await pinged; // ws answers a ping with a pong before telling us of it
    await roundTrip(); // so by this answer the server has seen the alive peer's pong
    schedule.tick(100);
    await expect.poll(() => channel.subscribers.size).toBe(1);
    await roundTrip();
    expect(alive.readyState).toBe(WebSocket.OPEN);
    alive.close();
    dead.terminate();
  });
});
