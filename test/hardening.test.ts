/**
 * Issue 10: each finding of the attack pass, as a test that failed before its fix. Hostile input must
 * get a 4xx or a WebSocket error/close with a reason, never take the process down or answer 5xx.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { encodeNpy } from '../common/npy/codec.js';
import { dtypeFromName } from '../common/npy/dtype.js';
import { errorHandler } from '../server/http/errors.js';
import { MAX_JSON_DEPTH, parseJsonMessage } from '../server/net/safeJson.js';
import { GuardedWebSocket } from '../server/stream/guardedSocket.js';
import { decodeDataFrame } from '../common/frames.js';
import { typedValues } from '../common/npy/typed.js';
import { Channel } from '../server/stream/channel.js';
import { DEFAULT_LOOKBACK, HistoryBudget } from '../server/stream/history.js';
import { EncodedPacket, JSON_BLOCKS, LiveMessages, float64Array } from '../server/stream/packet.js';
import { type MessageSocket, Subscriber } from '../server/stream/subscriber.js';
import { parseServerArgs, UsageError } from '../server/cliOptions.js';
import { detailOf, rawRequest } from './fuzz/rawHttp.js';
import { type TestServer, capturingLogger, listDir, startTestServer, uploadBytes } from './helpers/server.js';
import { BEYOND_HANG_HEARTBEAT_MS } from './helpers/wait.js';
import { TestClient } from './helpers/ws.js';

const UPGRADE_HEADERS =
  'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';

/** A WebSocket to any path, open, with every text message it receives parsed in order. */
async function openSocket(
  url: string,
): Promise<{ socket: WebSocket; messages: Record<string, unknown>[]; next: (type: string) => Promise<Record<string, unknown>> }> {
  const socket = new WebSocket(url);
  const messages: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  socket.on('message', (data, isBinary) => {
    if (!isBinary) messages.push(JSON.parse(String(data)) as Record<string, unknown>);
    waiters.splice(0).forEach((wake) => wake());
  });
  socket.on('close', () => waiters.splice(0).forEach((wake) => wake()));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  let cursor = 0;
  const next = async (type: string) => {
    for (;;) {
      while (cursor < messages.length) {
        const message = messages[cursor++]!;
        if (message.type === type) return message;
      }
      if (socket.readyState !== WebSocket.OPEN) throw new Error(`socket closed waiting for ${type}`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { socket, messages, next };
}

async function expectHealthy(server: TestServer): Promise<void> {
  expect((await fetch(`${server.url}/health`)).status).toBe(200);
}

describe('malformed requests and upgrades (critical: they killed the process before any auth check)', () => {
  let server: TestServer;
  let tokenServer: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    tokenServer = await startTestServer({ token: 'secret-token' });
  });
  afterAll(async () => {
    await server.dispose();
    await tokenServer.dispose();
  });

  const malformed: [string, string, string][] = [
    ['a Host with a space', '/ws/stream', 'Host: a b\r\n'],
    ['an empty Host', '/ws/stream', 'Host: \r\n'],
    ['a port above 65535', '/ws/stream', 'Host: localhost:70000\r\n'],
    ['an absolute-form target that is no URL', 'http://[/ws/stream', 'Host: localhost\r\n'],
  ];

  for (const [what, target, host] of malformed) {
    it(`answers a WebSocket upgrade with ${what} with 400 and a detail`, async () => {
      const response = await rawRequest(server.port, `GET ${target} HTTP/1.1\r\n${host}${UPGRADE_HEADERS}\r\n`);
      expect(response.status).toBe(400);
      expect(detailOf(response)).toMatch(/malformed/);
      await expectHealthy(server);
    });

    it(`answers plain HTTP with ${what} with 400, not 500`, async () => {
      const response = await rawRequest(server.port, `GET ${target.replace('/ws/stream', '/health')} HTTP/1.1\r\n${host}\r\n`);
      expect(response.status).toBe(400);
      expect(detailOf(response)).toMatch(/malformed/);
    });
  }

  it('refuses a token cookie that is not valid %-encoding with 401, on an upgrade and over HTTP', async () => {
    const cookie = 'Cookie: npy_studio_token=%\r\n';
    const upgrade = await rawRequest(tokenServer.port, `GET /ws/stream HTTP/1.1\r\nHost: localhost\r\n${cookie}${UPGRADE_HEADERS}\r\n`);
    expect(upgrade.status).toBe(401);
    const http = await rawRequest(tokenServer.port, `GET /health HTTP/1.1\r\nHost: localhost\r\n${cookie}\r\n`);
    expect(http.status).toBe(401);
    expect((await fetch(`${tokenServer.url}/health`, { headers: { authorization: 'Bearer secret-token' } })).status).toBe(200);
  });
});

describe('hostile JSON on the sockets', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.dispose());

  it('answers 5,000 nested lists on /ws/stream with an error and keeps the socket (critical: the stack overflowed)', async () => {
    const client = await TestClient.connect(server.url, '?channel=deep');
    client.send(`{"action": ${'['.repeat(5000)}${']'.repeat(5000)}}`);
    expect(String((await client.nextOfType('error')).detail)).toMatch(/nests/);
    client.send('['.repeat(5000));
    expect(String((await client.nextOfType('error')).detail)).toMatch(/nests/);
    client.send({ action: 'ping' });
    await client.nextOfType('pong');
    await client.close();
  });

  it('answers 100,000 nested lists inside y on /ws/publish with an error and keeps the socket', async () => {
    const publisher = await openSocket(`${server.url.replace('http', 'ws')}/ws/publish?channel=deep-pub`);
    await publisher.next('status');
    publisher.socket.send(`{"y": [${'['.repeat(100_000)}1${']'.repeat(100_000)}]}`);
    expect(String((await publisher.next('error')).detail)).toMatch(/nests/);
    publisher.socket.send(`{"y": [[1], ${'"x",'.repeat(10)} [${'['.repeat(40)}]]}`);
    expect(String((await publisher.next('error')).detail)).toMatch(/nests/);
    publisher.socket.send('{"action": "ping"}');
    await publisher.next('pong');
    publisher.socket.close();
  });

  it('answers a 256 KB message of \\" pairs at once (high: the lenient fallback backtracked for 22 s)', async () => {
    const publisher = await openSocket(`${server.url.replace('http', 'ws')}/ws/publish?channel=quotes`);
    await publisher.next('status');
    publisher.socket.send('\\"'.repeat(128 * 1024));
    publisher.socket.send(`{"y": "${'\\"'.repeat(128 * 1024)}`);
    expect(String((await publisher.next('error')).detail)).toMatch(/not valid JSON/);
    expect(String((await publisher.next('error')).detail)).toMatch(/not valid JSON/);
    await expectHealthy(server);
    publisher.socket.close();
  });

  it('quotes bare NaN and ±Infinity outside strings only, in one pass', () => {
    expect(parseJsonMessage('{"y": [NaN, -Infinity, Infinity, -1]}', { lenient: true })).toEqual({
      y: ['NaN', '-Infinity', 'Infinity', -1],
    });
    expect(parseJsonMessage('{"y": ["a NaN \\" Infinity", NaN]}', { lenient: true })).toEqual({ y: ['a NaN " Infinity', 'NaN'] });
    expect(() => parseJsonMessage('{"y": [NaNa]}', { lenient: true })).toThrow(/not valid JSON/);
    expect(() => parseJsonMessage('{"y": [NaN]}')).toThrow(/not valid JSON/);
    expect(() => parseJsonMessage(`${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`)).toThrow(/nests/);
    expect(() => parseJsonMessage(`[${'[],'.repeat(5000)}[]]`)).toThrow(/more than 4096 lists/);
    // Brackets inside strings are text, not nesting.
    expect(parseJsonMessage(JSON.stringify({ action: '['.repeat(1000) }))).toEqual({ action: '['.repeat(1000) });
  });
});

describe('memory per subscriber (high: 100 slow JSON subscribers took RSS to 3.1 GB)', () => {
  /** A socket that keeps what it is sent, fragment by fragment, with a given amount already queued. */
  function fakeSocket(bufferedAmount: number): MessageSocket & { sent: { data: string | Uint8Array; fin: boolean }[] } {
    const sent: { data: string | Uint8Array; fin: boolean }[] = [];
    return { sent, bufferedAmount, send: (data, options) => void sent.push({ data, fin: options?.fin ?? true }) };
  }
  const packet = (values = 2) => {
    const x = new Float64Array(values).map((_, i) => i);
    const y = x.map((i) => Math.sin(i) / 3);
    return new EncodedPacket({ timestamp: 1, x, y: float64Array(y, [values]), t: x.map((i) => 1.7e9 + i / 1e3) }, 'c', 0, 0);
  };
  const live = (values = 2) => new LiveMessages(packet(values));

  it('counts the packet being sent against the limit', () => {
    const bytes = live().get(false).byteLength;
    const nearlyFull = new Subscriber(fakeSocket(1000 - bytes + 1), 'c', 1000);
    nearlyFull.deliver(live());
    expect(nearlyFull.dropped).toBe(1);
    const roomy = new Subscriber(fakeSocket(1000 - bytes), 'c', 1000);
    roomy.deliver(live());
    expect(roomy.delivered).toBe(1);
  });

  it('sends a packet bigger than the limit only to a subscriber with nothing queued', () => {
    const idle = new Subscriber(fakeSocket(0), 'c', 10);
    idle.deliver(live());
    expect(idle.delivered).toBe(1);
    const busy = new Subscriber(fakeSocket(1), 'c', 10);
    busy.deliver(live());
    expect(busy.dropped).toBe(1);
  });

  it('renders a big packet as JSON once, in 1 MiB fragments never joined, and gives every JSON subscriber the same bytes', () => {
    const channel = new Channel('c', new HistoryBudget(DEFAULT_LOOKBACK));
    const sockets = Array.from({ length: 20 }, () => fakeSocket(0));
    for (const socket of sockets) channel.join(new Subscriber(socket, 'c', 8 * 2 ** 20));
    const values = 150_000;
    const x = new Float64Array(values).map((_, i) => i);
    channel.publish({ timestamp: 1, x, y: float64Array(x.map(Math.sin), [values]), t: x.map((i) => 1.7e9 + i / 1e3) });

    const first = sockets[0]!.sent;
    expect(first.length).toBeGreaterThan(2);
    for (const { data } of first) {
      expect(data).toBeInstanceOf(Buffer);
      expect((data as Buffer).byteLength).toBeLessThanOrEqual(2 ** 20);
      expect((data as Buffer).buffer.byteLength).toBeLessThanOrEqual(2 ** 20); // a view of no bigger (joined) buffer
    }
    expect(first.map((f) => f.fin)).toEqual([...first.slice(1).map(() => false), true]);
    // One rendering: every subscriber was handed the very same fragments, so the bytes exist once however many subscribe.
    for (const socket of sockets) {
      expect(socket.sent).toHaveLength(first.length);
      socket.sent.forEach(({ data }, i) => expect(data).toBe(first[i]!.data));
    }
    const message = JSON.parse(Buffer.concat(first.map(({ data }) => data as Buffer)).toString()) as Record<string, number[]>;
    expect(message).toMatchObject({ type: 'data', channel: 'c', seq: 0 });
    expect(message.y).toHaveLength(values);
    expect(message.y.every((value, i) => value === Math.sin(i))).toBe(true);
  });

  it('queues nothing more for subscribers over their limit, so what a channel holds for them stays one packet each', () => {
    const channel = new Channel('c', new HistoryBudget(DEFAULT_LOOKBACK));
    const stalled = Array.from({ length: 20 }, () => fakeSocket(8 * 2 ** 20));
    const reader = fakeSocket(0);
    const subscribers = [...stalled, reader].map((socket) => new Subscriber(socket, 'c', 8 * 2 ** 20));
    for (const subscriber of subscribers) channel.join(subscriber);
    const x = new Float64Array(1000).map((_, i) => i);
    for (let i = 0; i < 5; i++) channel.publish({ timestamp: i, x, y: float64Array(x, [1000]), t: x });
    for (const socket of stalled) expect(socket.sent).toEqual([]);
    expect(subscribers.slice(0, -1).map((s) => s.dropped)).toEqual(stalled.map(() => 5));
    expect(reader.sent).toHaveLength(5);
  });

  it('reuses a packet’s JSON blocks for the next one only once every subscriber’s socket has written them', () => {
    const channel = new Channel('pool', new HistoryBudget(DEFAULT_LOOKBACK));
    const pending: (() => void)[] = [];
    const sockets = Array.from({ length: 3 }, () => {
      const sent: Uint8Array[] = [];
      const socket: MessageSocket = {
        bufferedAmount: 0,
        send: (data, _options, done) => {
          sent.push(data as Uint8Array);
          if (done) pending.push(() => done());
        },
      };
      channel.join(new Subscriber(socket, 'pool', 64 * 2 ** 20));
      return sent;
    });
    const x = new Float64Array(150_000).map((_, i) => i / 7);
    const publish = () => channel.publish({ timestamp: 1, x, y: float64Array(x, [x.length]), t: x });
    publish();
    const first = sockets[0]!.slice(0, -1); // the full blocks (the last is a copy cut to size)
    expect(first.length).toBeGreaterThan(1);
    const free = JSON_BLOCKS.size;
    expect(pending).toHaveLength(3); // one completion per socket, on its last fragment
    pending.splice(0, 2).forEach((done) => done());
    expect(JSON_BLOCKS.size).toBe(free); // one socket still writing: nothing given back
    pending.splice(0).forEach((done) => done());
    expect(JSON_BLOCKS.size).toBe(free + first.length);
    for (const sent of sockets) sent.length = 0;
    publish();
    // The next rendering writes into the same memory instead of new blocks.
    expect(new Set(sockets[0]!.slice(0, -1))).toEqual(new Set(first));
  });

  it('sends binary frames as fragments whose .npy data are the packet’s own bytes (nothing copied)', () => {
    const encoded = packet(1000);
    const socket = fakeSocket(0);
    new Subscriber(socket, 'c', 8 * 2 ** 20, true).deliver(new LiveMessages(encoded));
    const parts = socket.sent.map(({ data }) => data as Uint8Array);
    expect(parts.some((part) => part.buffer === encoded.packet.x.buffer)).toBe(true);
    expect(parts.some((part) => part.buffer === encoded.packet.t.buffer)).toBe(true);
    const frame = decodeDataFrame(Buffer.concat(parts));
    expect(frame.meta).toMatchObject({ type: 'data', channel: 'c', seq: 0 });
    expect([...(typedValues(frame.t!) as Float64Array)]).toEqual([...encoded.packet.t]);
  });
});

describe('replies to a client that never reads (medium: 65 MiB of pings grew RSS by 560 MB)', () => {
  let server: TestServer;
  beforeAll(async () => {
    // The client reads nothing while its 40,000 messages go out, so it cannot answer heartbeat pings either.
    server = await startTestServer({ heartbeatMs: BEYOND_HANG_HEARTBEAT_MS });
  });
  afterAll(() => server.dispose());

  it('stops reading from a client that sends bad actions and does not read the errors, then answers each once it reads', async () => {
    const client = await TestClient.connect(server.url, '?channel=flood');
    const serverSocket = [...server.hub.channel('flood').subscribers][0]!.socket as GuardedWebSocket;
    client.socket.pause(); // our side stops reading; the server's pongs queue up
    const messages = 40_000;
    const badAction = JSON.stringify({ action: 'x'.repeat(100) });
    for (let i = 0; i < messages; i++) client.socket.send(badAction);
    await expect.poll(() => serverSocket.isPaused, { interval: 20 }).toBe(true);
    // Bounded: what the server holds for this peer is within its reply allowance, not 40,000 errors.
    expect(serverSocket.bufferedAmount).toBeLessThan(2 * 1024 ** 2);
    client.socket.resume();
    await expect.poll(() => client.messages().filter((m) => m.type === 'error').length, { interval: 50 }).toBe(messages);
    await client.close();
  });
});

describe('the handler boundaries', () => {
  it('turns a throwing WebSocket handler into one log line and a 1011 close, never an uncaught exception', async () => {
    const reported: unknown[] = [];
    const sockets = new WebSocketServer({ port: 0, host: '127.0.0.1', WebSocket: GuardedWebSocket });
    sockets.on('connection', (ws) => {
      ws.reportHandlerError = (err) => reported.push(err);
      ws.on('message', () => {
        throw new RangeError('Maximum call stack size exceeded');
      });
    });
    await new Promise((resolve) => sockets.once('listening', resolve));
    const { port } = sockets.address() as { port: number };
    const client = new WebSocket(`ws://127.0.0.1:${port}`);
    await new Promise((resolve) => client.once('open', resolve));
    const closed = new Promise<number>((resolve) => client.once('close', resolve));
    client.send('anything');
    expect(await closed).toBe(1011);
    expect(reported).toHaveLength(1);
    await new Promise((resolve) => sockets.close(resolve));
  });

  it('answers an unforeseen error in a route with 400 and logs one line, no stack trace', () => {
    const logger = capturingLogger();
    let status = 0;
    let body: unknown;
    const res = { headersSent: false, destroyed: false, status: (s: number) => ((status = s), res), json: (b: unknown) => (body = b) };
    const req = { method: 'GET', path: '/x' };
    errorHandler(logger, 1)(new TypeError('cannot read properties of undefined'), req as never, res as never, () => {});
    expect(status).toBe(400);
    expect(body).toEqual({ detail: 'the server could not process this request' });
    expect(logger.errors).toHaveLength(1);
    expect(logger.errors[0]).not.toContain('\n');
  });
});

describe('uploads', () => {
  let server: TestServer;
  const logger = capturingLogger();
  beforeAll(async () => {
    server = await startTestServer({ logger });
  });
  afterAll(() => server.dispose());

  const multipart = (body: string, type = 'multipart/form-data; boundary=XYZ') =>
    `POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body, 'latin1')}\r\nConnection: close\r\n\r\n${body}`;
  const part = (disposition: string, content = '\x93NUMPY') =>
    `--XYZ\r\nContent-Disposition: form-data; ${disposition}\r\nContent-Type: application/octet-stream\r\n\r\n${content}\r\n--XYZ--\r\n`;

  const cases: [string, string][] = [
    ['no boundary', multipart(part('name="file"; filename="a.npy"'), 'multipart/form-data')],
    ['a truncated body', multipart(part('name="file"; filename="a.npy"').slice(0, 90))],
    ['an empty body', multipart('')],
    ['a NUL in the file name', multipart(part('name="file"; filename="a\x00b.npy"'))],
    ['a 20 KB field name', multipart(part(`name="${'f'.repeat(20_000)}"; filename="a.npy"`))],
  ];
  for (const [what, request] of cases) {
    it(`answers a multipart body with ${what} with 400 and a detail, logging no stack trace (medium: it was 500)`, async () => {
      const response = await rawRequest(server.port, request);
      expect(response.status).toBe(400);
      expect(typeof detailOf(response)).toBe('string');
      expect([...logger.errors, ...logger.warnings].filter((line) => line.includes('\n    at '))).toEqual([]);
      expect(await listDir(`${server.dataDir}/tmp`)).toEqual([]);
    });
  }

  it('ends a stalled upload (no bytes for the idle time) instead of holding it open (medium: only a 300 s total limit)', async () => {
    const server = await startTestServer({ uploadIdleMs: 300 });
    const before = server.store.count;
    const socket = connect(server.port, '127.0.0.1');
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.write(
      `POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=XYZ\r\nContent-Length: 1000000\r\n\r\n`,
    );
    socket.write(`--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.npy"\r\n\r\n\x93NUMPY`);
    await closed; // the server closed it; without an idle timeout this would wait forever
    expect(server.store.count).toBe(before);
    await expect.poll(() => listDir(`${server.dataDir}/tmp`)).toEqual([]);
    await server.dispose();
  });

  it('refuses a zero-size shape with a dimension above 2^53 (low: it was stored and then unreadable)', async () => {
    const header = "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 9007199254740993), }";
    const padded = header.padEnd(117, ' ') + '\n';
    const bytes = new Uint8Array([0x93, ...Buffer.from('NUMPY'), 1, 0, padded.length, 0, ...Buffer.from(padded, 'latin1')]);
    const response = await uploadBytes(server.url, bytes);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/too large/);
  });

  it('logs an aborted download in one line without a stack trace (low)', async () => {
    const values = new Float64Array(4 * 1024 * 1024);
    const npy = encodeNpy({ dtype: dtypeFromName('float64'), shape: [values.length], data: new Uint8Array(values.buffer) });
    const uploaded = (await (await uploadBytes(server.url, npy)).json()) as { index: number };
    for (const format of ['npy', 'json']) {
      const controller = new AbortController();
      const response = await fetch(`${server.url}/array/${uploaded.index}?format=${format}`, { signal: controller.signal });
      await response.body!.getReader().read();
      controller.abort();
      await expect.poll(() => logger.infos.filter((line) => line.includes('went away')).length).toBeGreaterThan(format === 'npy' ? 0 : 1);
    }
    expect([...logger.errors, ...logger.warnings, ...logger.infos].filter((line) => line.includes('\n'))).toEqual([]);
  });
});

describe('tokens and origins (low)', () => {
  let server: TestServer;
  let open: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ token: 'right-token' });
    open = await startTestServer();
  });
  afterAll(async () => {
    await server.dispose();
    await open.dispose();
  });

  it('never writes an unverified ?token= into the cookie, even beside a valid Bearer', async () => {
    const laundered = await fetch(`${server.url}/health?token=wrong-token`, { headers: { authorization: 'Bearer right-token' } });
    expect(laundered.status).toBe(200);
    expect(laundered.headers.get('set-cookie')).toBeNull();
    const verified = await fetch(`${server.url}/health?token=right-token`);
    expect(verified.headers.get('set-cookie')).toMatch(/^npy_studio_token=right-token;/);
  });

  it('refuses Origin: null without suggesting a flag the CLI refuses', async () => {
    const response = await fetch(`${open.url}/health`, { headers: { origin: 'null' } });
    expect(response.status).toBe(403);
    const { detail } = (await response.json()) as { detail: string };
    expect(detail).toMatch(/never allowed/);
    expect(detail).not.toContain('--allow-origin null');
    expect(() => parseServerArgs(['--allow-origin', 'null'])).toThrow(UsageError);
  });
});
