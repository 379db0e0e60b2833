import { once } from 'node:events';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeDataFrame } from '../common/frames.js';
import { toTypedArray } from '../common/npy/typed.js';
import type { DataMessage } from '../common/protocol.js';
import { type TestServer, json, startTestServer } from './helpers/server.js';
import { ManualSchedule } from './helpers/manualSchedule.js';
import { until } from './helpers/wait.js';
import { TestClient } from './helpers/ws.js';

let server: TestServer;
const clients: TestClient[] = [];

async function connect(query = ''): Promise<TestClient> {
  const client = await TestClient.connect(server.url, query);
  clients.push(client);
  return client;
}

beforeEach(async () => {
  server = await startTestServer({ streamRate: 50 });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server.dispose();
});

const asData = (m: Record<string, unknown>) => m as unknown as DataMessage;

/** Data messages received so far, in order. */
function dataMessages(client: TestClient): DataMessage[] {
  return client
    .messages()
    .filter((m) => m.type === 'data')
    .map(asData);
}

/** Waits until every client has a data packet with seq ≥ `seq`. */
async function waitForSeq(client: TestClient, seq: number): Promise<void> {
  await client.next((r) => r.kind === 'text' && r.message.type === 'data' && (r.message.seq as number) >= seq);
}

describe('seed scenarios', () => {
  it('connects to /ws/stream and sends nothing unasked', async () => {
    const client = await connect();
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    client.send({ action: 'ping' });
    expect(await client.nextMessage()).toEqual({ type: 'pong' });
    expect(client.messages()).toEqual([{ type: 'pong' }]);
  });

  it('start answers {"type":"status","streaming":true} and then sends data', async () => {
    const client = await connect();
    client.send({ action: 'start' });
    const first = client.received[0] ?? (await client.next());
    expect(first.kind === 'text' && first.text).toBe('{"type":"status","streaming":true}');
    const data = await client.nextOfType('data');
    expect(data.type).toBe('data');
    expect(await json(await fetch(`${server.url}/health`))).toMatchObject({ streaming: true });
  });

  it('sends data packets in the seed format: x = linspace(t, t + 2π, 100), y = sin(x) + noise', async () => {
    const client = await connect();
    client.send({ action: 'start' });
    await waitForSeq(client, 4);
    const packets = dataMessages(client);
    expect(packets.length).toBeGreaterThanOrEqual(5);
    for (const p of packets) {
      expect(Object.keys(p).slice(0, 6)).toEqual(['type', 'timestamp', 'shape', 'dtype', 'x', 'y']);
      expect(p).toMatchObject({ type: 'data', shape: [100], dtype: 'float64', channel: 'demo' });
      expect(typeof p.timestamp).toBe('number');
      expect(p.x).toHaveLength(100);
      expect(p.y).toHaveLength(100);
      expect(p.x.every((v) => typeof v === 'number' && Number.isFinite(v))).toBe(true);
      const t = p.timestamp;
      for (let i = 0; i < 100; i++) expect(Math.abs(p.x[i]! - (t + (2 * Math.PI * i) / 99))).toBeLessThan(1e-12);
      expect(p.x[0]).toBe(t);
      expect(Math.abs(p.x[99]! - (t + 2 * Math.PI))).toBeLessThan(1e-12);
      // Noise is N(0, 0.1²): ten standard deviations never happen.
      const y = p.y as number[];
      expect(y.every((v, i) => Math.abs(v - Math.sin(p.x[i]!)) < 1)).toBe(true);
    }
    // Not just a sine: the noise is there.
    expect((packets[0]!.y as number[]).some((v, i) => Math.abs(v - Math.sin(packets[0]!.x[i]!)) > 1e-6)).toBe(true);
    // Consecutive packets: seq counts up by one, t advances by 0.1.
    for (let k = 1; k < packets.length; k++) {
      expect(packets[k]!.seq).toBe(packets[k - 1]!.seq + 1);
      expect(packets[k]!.timestamp - packets[k - 1]!.timestamp).toBeCloseTo(0.1, 9);
    }
    expect(packets[0]!.seq).toBe(0);
    expect(packets[0]!.timestamp).toBe(0);
  });

  it('stop answers {"type":"status","streaming":false} and no data follows', async () => {
    const schedule = new ManualSchedule();
    const stepped = await startTestServer({ streamRate: 50, repeat: schedule.repeat });
    const client = await TestClient.connect(stepped.url);
    clients.push(client);
    try {
      client.send({ action: 'start' });
      await client.nextOfType('status');
      schedule.tick(20, 2);
      await waitForSeq(client, 1);
      client.send({ action: 'stop' });
      expect(await client.nextOfType('status')).toEqual({ type: 'status', streaming: false });
      const afterStop = client.received.length;
      // Ten more demo intervals: a demo still running would send ten packets, all before the pong.
      schedule.tick(20, 10);
      client.send({ action: 'ping' });
      await client.nextOfType('pong');
      expect(client.messages().slice(afterStop)).toEqual([{ type: 'pong' }]);
      expect(schedule.intervals()).toEqual([30_000]); // only the heartbeat is left
      expect(await json(await fetch(`${stepped.url}/health`))).toMatchObject({ streaming: false });
    } finally {
      await stepped.dispose();
    }
  });

  it('ping answers pong, also while streaming', async () => {
    const client = await connect();
    client.send({ action: 'ping' });
    expect(await client.nextMessage()).toEqual({ type: 'pong' });
    client.send({ action: 'start' });
    await client.nextOfType('data');
    client.send({ action: 'ping' });
    expect(await client.nextOfType('pong')).toEqual({ type: 'pong' });
  });

  it('sends every concurrent client the same packets', async () => {
    const [a, b, c] = [await connect(), await connect(), await connect()];
    a.send({ action: 'start' });
    for (const client of [a, b, c]) await waitForSeq(client, 5);
    const bySeq = (client: TestClient) =>
      new Map(
        client.received.flatMap((r) =>
          r.kind === 'text' && r.message.type === 'data' ? [[r.message.seq as number, r.text] as const] : [],
        ),
      );
    const [ma, mb, mc] = [bySeq(a), bySeq(b), bySeq(c)];
    const common = [...ma.keys()].filter((s) => mb.has(s) && mc.has(s));
    expect(common.length).toBeGreaterThanOrEqual(5);
    for (const seq of common) {
      expect(mb.get(seq)).toBe(ma.get(seq));
      expect(mc.get(seq)).toBe(ma.get(seq));
    }
  });

  it('broadcasts a status change to every client', async () => {
    const [a, b, c] = [await connect(), await connect(), await connect()];
    b.send({ action: 'start' });
    for (const client of [a, b, c]) expect(await client.nextOfType('status')).toEqual({ type: 'status', streaming: true });
    c.send({ action: 'stop' });
    for (const client of [a, b, c]) expect(await client.nextOfType('status')).toEqual({ type: 'status', streaming: false });
    // HTTP control reaches WebSocket clients too.
    await fetch(`${server.url}/control/start`, { method: 'POST' });
    for (const client of [a, b, c]) expect(await client.nextOfType('status')).toEqual({ type: 'status', streaming: true });
  });

  it('answers malformed JSON, unknown actions and binary messages with an error and stays usable', async () => {
    const client = await connect();
    const bad: (string | Buffer)[] = [
      'not json{',
      JSON.stringify({ action: 'explode' }),
      JSON.stringify({ nothing: true }),
      JSON.stringify([1, 2]),
      JSON.stringify('start'),
      'null',
      JSON.stringify({ action: 'start', binary: 'yes' }),
      Buffer.from([1, 2, 3]),
    ];
    for (const message of bad) {
      client.socket.send(message);
      const reply = await client.nextMessage();
      expect(reply.type, String(message)).toBe('error');
      expect(typeof reply.detail).toBe('string');
      expect((reply.detail as string).length).toBeGreaterThan(5);
    }
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    client.send({ action: 'ping' });
    expect(await client.nextMessage()).toEqual({ type: 'pong' });
    // None of them started the stream.
    expect(server.hub.demo.streaming).toBe(false);
  });
});

describe('beyond the seed', () => {
  it('streams at the configured rate: one packet every 1000/rate ms', async () => {
    // The rate itself is timed in `npm run bench`; here, what the demo asks of its timer and what one tick sends.
    const schedule = new ManualSchedule();
    const slow = await startTestServer({ streamRate: 10, repeat: schedule.repeat });
    const slowClient = await TestClient.connect(slow.url);
    try {
      slowClient.send({ action: 'start' });
      await slowClient.nextOfType('status');
      expect(schedule.intervals().sort((a, b) => a - b)).toEqual([100, 30_000]); // the demo and the heartbeat
      schedule.tick(100, 3);
      slowClient.send({ action: 'ping' });
      await slowClient.nextOfType('pong');
      expect(dataMessages(slowClient).map((m) => m.seq)).toEqual([0, 1, 2]);
    } finally {
      await slowClient.close();
      await slow.dispose();
    }
  });

  it('refuses a bad ?channel= name with its reason and close 1008, and an unknown WebSocket path with an HTTP 404', async () => {
    // Accepted to be told why (a browser cannot read a refused upgrade's body), then closed for good.
    for (const path of ['/ws/stream?channel=../../etc', `/ws/stream?channel=${'x'.repeat(65)}`, '/ws/stream?channel=']) {
      const socket = new WebSocket(`${server.url.replace('http', 'ws')}${path}`);
      const [message] = (await once(socket, 'message')) as [Buffer];
      expect(JSON.parse(String(message)), path).toEqual({ type: 'error', detail: expect.stringContaining('channel names are') });
      const [code] = (await once(socket, 'close')) as [number];
      expect(code, path).toBe(1008);
    }
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws/other`);
    socket.on('error', () => {});
    const [request, response] = (await once(socket, 'unexpected-response')) as [ClientRequest, IncomingMessage];
    expect(response.statusCode).toBe(404);
    let body = '';
    for await (const chunk of response) body += String(chunk);
    expect(typeof (JSON.parse(body) as { detail: unknown }).detail).toBe('string');
    request.destroy();
    // A good name on another channel is accepted; start there only reports the channel's state.
    const other = await connect('?channel=sensor-1.a_b');
    other.send({ action: 'start' });
    expect(await other.nextMessage()).toEqual({ type: 'status', streaming: false, channel: 'sensor-1.a_b' });
    expect(server.hub.demo.streaming).toBe(false);
  });

  it('sends binary frames on request whose values equal the JSON packets of the same seq', async () => {
    const jsonClient = await connect();
    const binaryClient = await connect();
    binaryClient.send({ action: 'start', binary: true });
    expect(await binaryClient.nextMessage()).toEqual({ type: 'status', streaming: true });
    const frames = [];
    for (let k = 0; k < 4; k++) frames.push(decodeDataFrame(await binaryClient.nextBinary()));
    await waitForSeq(jsonClient, frames.at(-1)!.meta.seq);
    const jsonBySeq = new Map(dataMessages(jsonClient).map((m) => [m.seq, m]));
    for (const frame of frames) {
      expect(frame.meta).toMatchObject({ type: 'data', channel: 'demo' });
      expect(frame.x.header.dtype.name).toBe('float64');
      expect(frame.x.header.shape).toEqual([100]);
      expect(frame.y.header.dtype.name).toBe('float64');
      expect(frame.y.header.shape).toEqual([100]);
      const twin = jsonBySeq.get(frame.meta.seq);
      expect(twin, `JSON packet for seq ${frame.meta.seq}`).toBeDefined();
      expect(frame.meta.timestamp).toBe(twin!.timestamp);
      const x = Array.from(toTypedArray(frame.x) as Float64Array);
      const y = Array.from(toTypedArray(frame.y) as Float64Array);
      expect(x.every((v, i) => Object.is(v, twin!.x[i]))).toBe(true);
      expect(y.every((v, i) => Object.is(v, (twin!.y as number[])[i]))).toBe(true);
    }
    // No JSON data reached the binary client, and it can switch back.
    expect(binaryClient.messages().filter((m) => m.type === 'data')).toEqual([]);
    binaryClient.send({ action: 'ping', binary: false });
    expect(await binaryClient.nextOfType('pong')).toEqual({ type: 'pong' });
    expect((await binaryClient.nextOfType('data')).dtype).toBe('float64');
  });

  it('keeps streaming to the others when one client disconnects', async () => {
    const [a, b] = [await connect(), await connect()];
    a.send({ action: 'start' });
    await waitForSeq(b, 1);
    a.socket.terminate();
    await until(() => server.hub.channel('demo').subscribers.size === 1);
    const seen = dataMessages(b).at(-1)!.seq;
    await waitForSeq(b, seen + 3);
    expect(server.hub.channel('demo').subscribers.size).toBe(1);
  });

  it('lists the demo channel in GET /streams', async () => {
    const client = await connect();
    client.send({ action: 'start' });
    await waitForSeq(client, 3);
    const { streams } = await json<{ streams: Record<string, unknown>[] }>(await fetch(`${server.url}/streams`));
    const demo = streams.find((s) => s.name === 'demo');
    expect(demo).toMatchObject({ name: 'demo', dtype: 'float64', shape: [100], subscribers: 1, streaming: true });
    expect(demo!.packets as number).toBeGreaterThanOrEqual(4);
  });
});
