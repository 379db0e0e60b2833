import { on, once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeDataFrame, decodeFrame } from '../common/frames.js';
import { encodeNpy } from '../common/npy/codec.js';
import { dtypeFromStr } from '../common/npy/dtype.js';
import { type NumericArray, toTypedArray, typedArrayToNpy } from '../common/npy/typed.js';
import { type ChannelInfo, type DataMessage, MAX_PACKET_VALUES, NPY_MEDIA_TYPE, type StreamListResponse } from '../common/protocol.js';
import { type TestServer, json, startTestServer } from './helpers/server.js';
import { TestClient } from './helpers/ws.js';

let server: TestServer;
const sockets: { close(): unknown }[] = [];

beforeEach(async () => {
  server = await startTestServer({ maxChannels: 8, maxMessageBytes: 1 << 24 });
});
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
  await server.dispose();
});

/** A raw `/ws/publish` connection, reading the server's replies in order. */
class RawPublisher {
  private constructor(
    readonly socket: WebSocket,
    private readonly replies: AsyncIterator<[Buffer]>,
  ) {}

  static async open(query: string): Promise<RawPublisher> {
    const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws/publish${query}`);
    const replies = on(socket, 'message', { close: ['close'] })[Symbol.asyncIterator]() as AsyncIterator<[Buffer]>;
    await once(socket, 'open');
    const publisher = new RawPublisher(socket, replies);
    sockets.push(publisher);
    return publisher;
  }

  /** Opens and waits for the server's acceptance. */
  static async accepted(channel: string): Promise<RawPublisher> {
    const publisher = await RawPublisher.open(`?channel=${channel}`);
    expect(await publisher.reply()).toEqual({ type: 'status', streaming: true, channel });
    return publisher;
  }

  async reply(): Promise<Record<string, unknown>> {
    const { value, done } = await this.replies.next();
    if (done) throw new Error('publisher socket closed');
    return JSON.parse(String(value[0])) as Record<string, unknown>;
  }

  send(message: string | Uint8Array | object): void {
    this.socket.send(typeof message === 'string' || message instanceof Uint8Array ? message : JSON.stringify(message));
  }

  /** Resolves once the server has handled everything sent before. */
  async flush(): Promise<void> {
    this.send({ action: 'ping' });
    expect(await this.reply()).toEqual({ type: 'pong' });
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close();
    await once(this.socket, 'close');
  }
}

async function subscribe(channel: string, binary = false): Promise<TestClient> {
  const client = await TestClient.connect(server.url, `?channel=${channel}`);
  sockets.push(client);
  client.send({ action: 'ping', binary });
  await client.nextOfType('pong');
  return client;
}

const nextData = async (client: TestClient) => (await client.nextOfType('data')) as unknown as DataMessage;

async function nextFrame(client: TestClient) {
  const frame = decodeDataFrame(await client.nextBinary());
  return { ...frame, xValues: toTypedArray(frame.x), yValues: toTypedArray(frame.y) };
}

async function streams(): Promise<ChannelInfo[]> {
  return (await json<StreamListResponse>(await fetch(`${server.url}/streams`))).streams;
}

const flat = (y: DataMessage['y']) => (y as unknown[]).flat() as number[];

describe('JSON packets on /ws/publish', () => {
  it('reach JSON and binary subscribers with the given x and timestamp', async () => {
    const [jsonSub, binarySub] = [await subscribe('lab'), await subscribe('lab', true)];
    const publisher = await RawPublisher.accepted('lab');
    publisher.send({ timestamp: 12.5, x: [0.5, 1, 1.5], y: [0.1, -2, 1e-300] });

    expect(await nextData(jsonSub)).toEqual({
      type: 'data',
      timestamp: 12.5,
      shape: [3],
      dtype: 'float64',
      x: [0.5, 1, 1.5],
      y: [0.1, -2, 1e-300],
      channel: 'lab',
      seq: 0,
      // A channel's first packet with a timestamp but no rate or t: every sample at that timestamp.
      t: [12.5, 12.5, 12.5],
    });
    const frame = await nextFrame(binarySub);
    expect(frame.meta).toEqual({ type: 'data', channel: 'lab', seq: 0, timestamp: 12.5 });
    expect([...frame.xValues]).toEqual([0.5, 1, 1.5]);
    expect(frame.y.header.dtype.name).toBe('float64');
    expect([...frame.yValues]).toEqual([0.1, -2, 1e-300]);
  });

  it('takes k series as k lists; x defaults to the running sample index and timestamp to server time', async () => {
    const sub = await subscribe('multi');
    const publisher = await RawPublisher.accepted('multi');
    const before = Date.now() / 1000;
    publisher.send({
      y: [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    });
    publisher.send({
      y: [
        [7, 8],
        [9, 10],
        [11, 12],
      ],
      timestamp: null,
      x: null,
    });

    const first = await nextData(sub);
    expect(first).toMatchObject({
      shape: [3, 2],
      dtype: 'float64',
      x: [0, 1],
      y: [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      seq: 0,
    });
    expect(first.timestamp).toBeGreaterThanOrEqual(before - 1);
    expect(first.timestamp).toBeLessThanOrEqual(Date.now() / 1000 + 1);
    expect(await nextData(sub)).toMatchObject({
      x: [2, 3],
      y: [
        [7, 8],
        [9, 10],
        [11, 12],
      ],
      seq: 1,
    });
  });

  it("accepts NaN and ±Infinity as strings or as Python's bare json.dumps tokens", async () => {
    const sub = await subscribe('nan');
    const publisher = await RawPublisher.accepted('nan');
    publisher.send('{"y": [NaN, Infinity, -Infinity, 1.0], "x": [0, 1, 2, 3]}');
    publisher.send({ y: ['NaN', 'Infinity', '-Infinity', 1] });
    for (let i = 0; i < 2; i++) expect((await nextData(sub)).y).toEqual(['NaN', 'Infinity', '-Infinity', 1]);
  });
});

describe('binary .npy packets on /ws/publish', () => {
  const cases: { name: string; values: NumericArray; shape: number[] }[] = [
    { name: 'int16 (n,)', values: Int16Array.from([-32768, -1, 0, 1, 32767]), shape: [5] },
    { name: 'float32 (k, n)', values: Float32Array.from([0.1, -0.2, 3.4e38, 1e-45, 5, 6, 7.25, -0]), shape: [2, 4] },
    { name: 'int16 (k, n)', values: Int16Array.from([1, 2, 3, -4, -5, -6]), shape: [3, 2] },
    { name: 'float32 (n,)', values: Float32Array.from([Math.PI, Math.E]), shape: [2] },
  ];

  for (const { name, values, shape } of cases) {
    it(`forwards ${name} exactly: JSON subscribers get the values, binary ones the very bytes`, async () => {
      const [jsonSub, binarySub] = [await subscribe('npy'), await subscribe('npy', true)];
      const publisher = await RawPublisher.accepted('npy');
      const npy = typedArrayToNpy(values, shape);
      publisher.send(npy);
      publisher.send(npy);

      const n = shape.at(-1)!;
      const message = await nextData(jsonSub);
      expect(message).toMatchObject({ shape, dtype: values instanceof Int16Array ? 'int16' : 'float32', seq: 0 });
      expect(message.x).toEqual([...Array(n).keys()]);
      expect(shape.length === 2 ? (message.y as number[][]).map((row) => row.length) : (message.y as number[]).length).toEqual(
        shape.length === 2 ? Array(shape[0]).fill(n) : n,
      );
      expect((values.constructor as unknown as { from(v: number[]): NumericArray }).from(flat(message.y))).toEqual(values);
      expect((await nextData(jsonSub)).x).toEqual([...Array(n).keys()].map((i) => i + n));

      const frame = await nextFrame(binarySub);
      expect(frame.meta.seq).toBe(0);
      expect(frame.yValues).toEqual(values);
      const bytes = await binarySub.nextBinary();
      expect(Buffer.from(decodeFrame(bytes, 3).parts[1]!).equals(Buffer.from(npy))).toBe(true);
    });
  }
});

describe('a producer of 2,000 packets × 100 samples', () => {
  it('reaches subscribers that keep up with every seq, in order, with no gap', async () => {
    // Sent in bursts of 100, each handled before the next; the rate a producer can reach is in `npm run bench`.
    const [jsonSub, binarySub] = [await subscribe('fast'), await subscribe('fast', true)];
    const publisher = await RawPublisher.accepted('fast');
    const total = 2000;
    const packet = (i: number) => Float32Array.from({ length: 100 }, (_, j) => i + j / 100);
    for (let sent = 0; sent < total;) {
      for (const end = sent + 100; sent < end; sent++) publisher.send(typedArrayToNpy(packet(sent)));
      await publisher.flush();
    }

    await jsonSub.next((r) => r.kind === 'text' && r.message.seq === total - 1);
    const data = jsonSub.messages().filter((m) => m.type === 'data') as unknown as DataMessage[];
    expect(jsonSub.messages().filter((m) => m.type === 'dropped')).toEqual([]);
    const seqs = [...Array(total).keys()];
    expect(data.map((m) => m.seq)).toEqual(seqs);
    expect(data.map((m) => m.x[0])).toEqual(seqs.map((i) => i * 100));
    const sameBytes = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer).equals(Buffer.from(b.buffer));
    const expected = Float32Array.from(seqs.flatMap((i) => [...packet(i)]));
    expect(sameBytes(Float32Array.from(data.flatMap((m) => m.y as number[])), expected)).toBe(true);

    const frames = [];
    for (let i = 0; i < total; i++) frames.push(await nextFrame(binarySub));
    expect(frames.map((f) => f.meta.seq)).toEqual(seqs);
    expect(frames.map((f) => f.xValues[99])).toEqual(seqs.map((i) => i * 100 + 99));
    expect(sameBytes(Float32Array.from(frames.flatMap((f) => [...(f.yValues as Float32Array)])), expected)).toBe(true);
    const channel = (await streams()).find((c) => c.name === 'fast');
    expect(channel).toMatchObject({ packets: total, publishers: 1, subscribers: 2, streaming: true, dtype: 'float32', shape: [100] });
  });
});

describe('channels and /streams', () => {
  it('counts publishers, tells subscribers when the first arrives and the last leaves, and forgets unused channels', async () => {
    const sub = await subscribe('tracked');
    const first = await RawPublisher.accepted('tracked');
    expect(await sub.nextMessage()).toEqual({ type: 'status', streaming: true, channel: 'tracked' });
    const second = await RawPublisher.accepted('tracked');
    first.send({ y: [[1, 2, 3]] });
    await first.flush();
    expect((await streams()).find((c) => c.name === 'tracked')).toMatchObject({
      publishers: 2,
      subscribers: 1,
      streaming: true,
      dtype: 'float64',
      shape: [1, 3],
      packets: 1,
    });

    await first.close();
    await second.close();
    expect(await nextData(sub)).toMatchObject({ seq: 0 });
    expect(await sub.nextMessage()).toEqual({ type: 'status', streaming: false, channel: 'tracked' });
    expect((await streams()).find((c) => c.name === 'tracked')).toMatchObject({ publishers: 0, streaming: false });
    await sub.close();
    await expect.poll(async () => (await streams()).map((c) => c.name)).toEqual(['demo']);
  });

  it('refuses the demo channel, a missing or bad name and one channel too many, with an error then a close', async () => {
    for (const [query, code, detail] of [
      ['?channel=demo', 1008, 'demo channel'],
      ['', 1008, '?channel=NAME'],
      ['?channel=a/b', 1008, 'channel names are'],
      [`?channel=${'x'.repeat(65)}`, 1008, 'channel names are'],
    ] as const) {
      const publisher = await RawPublisher.open(query);
      const closed = once(publisher.socket, 'close');
      expect(await publisher.reply()).toEqual({ type: 'error', detail: expect.stringContaining(detail) });
      expect((await closed)[0]).toBe(code);
    }
    for (let i = 1; i < 8; i++) await RawPublisher.accepted(`ch${i}`);
    const publisher = await RawPublisher.open('?channel=one-too-many');
    const closed = once(publisher.socket, 'close');
    expect(await publisher.reply()).toEqual({ type: 'error', detail: 'too many channels (limit 8)' });
    expect((await closed)[0]).toBe(1013);
    expect(server.hub.demo.streaming).toBe(false);
  });
});

describe('bad packets', () => {
  const int16 = (shape: number[]) => typedArrayToNpy(new Int16Array(shape.reduce((a, b) => a * b, 1)), shape);
  const bad: [string, string | Uint8Array | object, string][] = [
    ['invalid JSON', '{"y": [1, 2', 'not valid JSON'],
    ['a JSON list', '[1, 2]', 'must be a JSON object'],
    ['no y', { x: [1] }, 'missing "y"'],
    ['empty y', { y: [] }, 'non-empty list'],
    ['y a number', { y: 3 }, 'non-empty list'],
    ['a string value', { y: [1, 'two'] }, 'y[1] is "two", not a number'],
    ['a null value', { y: [1, null] }, 'y[1] is null'],
    ['ragged series', { y: [[1, 2], [3]] }, 'y[1] has 1 values'],
    ['mixed nesting', { y: [[1, 2], 3] }, 'y[1] is not a list'],
    ['3-level nesting', { y: [[[1]]] }, 'y[0][0] is [1]'],
    ['x of the wrong length', { y: [1, 2], x: [0] }, '"x" must be a list of 2 numbers'],
    ['a string timestamp', { y: [1], timestamp: 'now' }, '"timestamp" must be a number'],
    ['an unknown key', { y: [1], Y: [2] }, 'unknown key "Y"'],
    ['an unknown action', { action: 'start' }, 'unknown action "start"'],
    ['bytes that are not .npy', new Uint8Array([1, 2, 3, 4]), 'invalid .npy: not a .npy file'],
    ['truncated .npy', int16([10]).subarray(0, 130), 'invalid .npy: truncated data'],
    ['a 3-D array', int16([2, 2, 2]), 'shape (n,) or (k, n)'],
    ['a 0-D array', int16([]), 'got ()'],
    ['an empty array', int16([0]), 'holds no samples'],
    ['too many values', int16([2, MAX_PACKET_VALUES / 2 + 1]), `limit of ${MAX_PACKET_VALUES}`],
    ['complex values', typedArrayToNpy(new Float64Array(4), [2], 'complex128'), 'complex128 cannot be plotted'],
  ];

  it('are each answered with an error naming the problem; the socket stays open and the next good packet gets through', async () => {
    const sub = await subscribe('strict');
    const publisher = await RawPublisher.accepted('strict');
    for (const [what, message, detail] of bad) {
      publisher.send(message);
      expect(await publisher.reply(), what).toEqual({ type: 'error', detail: expect.stringContaining(detail) });
    }
    publisher.send({ y: [42] });
    expect(await nextData(sub)).toMatchObject({ y: [42], seq: 0 });
    expect(publisher.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('a frame over the size limit closes only that socket (1009); the server carries on', async () => {
    await server.dispose();
    server = await startTestServer({ maxMessageBytes: 1024 });
    const publisher = await RawPublisher.accepted('big');
    const closed = once(publisher.socket, 'close');
    publisher.send(new Uint8Array(4096));
    expect((await closed)[0]).toBe(1009);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});

describe('POST /stream/{channel}', () => {
  const post = (channel: string, body: Uint8Array | string, type = NPY_MEDIA_TYPE) =>
    fetch(`${server.url}/stream/${channel}`, { method: 'POST', headers: { 'content-type': type }, body });

  it('publishes one .npy body and answers with its seq', async () => {
    const sub = await subscribe('slow', true);
    const values = Int16Array.from(
      [
        [5, -6],
        [7, 8],
      ].flat(),
    );
    for (const [seq, type] of [
      [0, NPY_MEDIA_TYPE],
      [1, 'application/octet-stream'],
    ] as const) {
      const response = await post('slow', typedArrayToNpy(values, [2, 2]), type);
      expect(await json(response)).toEqual({ status: 'published', channel: 'slow', seq });
      const frame = await nextFrame(sub);
      expect(frame.meta.seq).toBe(seq);
      expect(frame.yValues).toEqual(values);
      expect([...frame.xValues]).toEqual(seq === 0 ? [0, 1] : [2, 3]);
    }
  });

  it("reports a big-endian packet's dtype as numpy's str(dtype), '>f8', in JSON packets and GET /streams", async () => {
    const sub = await subscribe('big', false);
    const data = new Uint8Array(16);
    new DataView(data.buffer).setFloat64(0, 1.5, false);
    new DataView(data.buffer).setFloat64(8, -2, false);
    const npy = encodeNpy({ dtype: dtypeFromStr('>f8'), shape: [2], data });
    expect(await json(await post('big', npy))).toMatchObject({ status: 'published', seq: 0 });
    expect(await nextData(sub)).toMatchObject({ dtype: '>f8', y: [1.5, -2.0] });
    const { streams } = await json<{ streams: { name: string; dtype: string | null }[] }>(await fetch(`${server.url}/streams`));
    expect(streams.find((c) => c.name === 'big')?.dtype).toBe('>f8');
  });

  it('refuses what it cannot publish, with a detail', async () => {
    await server.dispose();
    server = await startTestServer({ maxMessageBytes: 4096 });
    const npy = typedArrayToNpy(new Float32Array(4));
    for (const [what, response, status, detail] of [
      ['demo', await post('demo', npy), 403, 'demo channel'],
      ['bad name', await post('a..b%20c', npy), 400, 'channel names are'],
      ['wrong type', await post('x', npy, 'text/plain'), 415, 'Content-Type application/x-npy'],
      ['empty', await post('x', new Uint8Array(0)), 400, 'empty'],
      ['not npy', await post('x', 'hello'), 400, 'invalid .npy'],
      ['3-D', await post('x', typedArrayToNpy(new Float32Array(8), [2, 2, 2])), 400, 'shape (n,) or (k, n)'],
      ['too large', await post('x', typedArrayToNpy(new Float32Array(2000))), 413, ''],
    ] as const) {
      expect(response.status, what).toBe(status);
      expect(((await response.json()) as { detail: string }).detail, what).toContain(detail);
    }
    expect((await streams()).map((c) => c.name)).toEqual(['demo']);
  });
});
