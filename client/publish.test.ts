import { decodeFrame, isBareNpy } from '../common/frames.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type TestServer, startTestServer } from '../test/helpers/server.js';
import { refusingPort } from '../test/helpers/refusingPort.js';
import { until } from '../test/helpers/wait.js';
import { ApiError, ConnectionError, NpyClient, type StreamData } from './index.js';
import { encodePacket } from './publish.js';

let server: TestServer;
let client: NpyClient;
const closers: { close(): void }[] = [];

beforeEach(async () => {
  server = await startTestServer();
  client = new NpyClient({ baseUrl: server.url, webSocket: (url) => new WebSocket(url) });
});
afterEach(async () => {
  closers.splice(0).forEach((c) => c.close());
  await server.dispose();
});

/** Subscribes and waits for the answer to `start`, so the server has applied the `binary` choice. */
async function subscribe(channel: string, binary: boolean): Promise<StreamData[]> {
  const received: StreamData[] = [];
  let answered = false;
  const subscription = client.stream({
    channel,
    binary,
    autoStart: true,
    onData: (d) => received.push(d),
    onStatus: () => (answered = true),
  });
  closers.push(subscription);
  await until(() => answered);
  return received;
}

async function publisher(channel: string, onError?: (detail: string) => void) {
  const p = client.publish(channel, { onError });
  closers.push(p);
  await p.ready();
  return p;
}

describe('encodePacket', () => {
  it('sends typed y as .npy bytes (framed with its metadata and t), and anything with x or plain numbers as JSON', () => {
    const bare = encodePacket({ y: Int16Array.from([1, 2]) }) as Uint8Array;
    expect(isBareNpy(bare)).toBe(true);
    expect(encodePacket({ y: [Float32Array.from([1]), Float32Array.from([2])] })).toBeInstanceOf(Uint8Array);
    const framed = decodeFrame(
      encodePacket({ y: Int16Array.from([1, 2, 3, 4]), shape: [2, 2], timestamp: 5, t: [1, 2], units: 'V' }) as Uint8Array,
      2,
    );
    expect(framed.meta).toEqual({ timestamp: 5, units: 'V' });
    expect(framed.arrays.map((a) => [a.header.dtype.name, a.header.shape])).toEqual([
      ['int16', [2, 2]],
      ['float64', [2]],
    ]);
    expect(JSON.parse(encodePacket({ y: Int16Array.from([1, 2, 3, 4]), shape: [2, 2], x: [0, 1], timestamp: 5 }) as string)).toEqual({
      y: [
        [1, 2],
        [3, 4],
      ],
      x: [0, 1],
      timestamp: 5,
    });
    expect(JSON.parse(encodePacket({ y: [NaN, Infinity, -Infinity], x: [0, 1, 2] }) as string)).toEqual({
      y: ['NaN', 'Infinity', '-Infinity'],
      x: [0, 1, 2],
    });
    expect(() => encodePacket({ y: [Float32Array.from([1]), Int16Array.from([2])] })).toThrow(TypeError);
  });
});

describe('Publisher', () => {
  it('delivers typed packets in their dtype, k series, and JSON packets with x and timestamp, to binary and JSON subscribers', async () => {
    const [binary, json] = [await subscribe('lab', true), await subscribe('lab', false)];
    const p = await publisher('lab');
    expect(p.send({ y: Int16Array.from([-5, 0, 5]) })).toBe(true);
    p.send({ y: [Float32Array.from([0.25, 0.5]), Float32Array.from([1.5, 3]), Float32Array.from([-1, -2])] });
    p.send({ y: Float32Array.from([1, 2, 3, 4]), shape: [2, 2] });
    p.send({
      y: [
        [1, 2],
        [3, 4],
      ],
      x: [10, 20],
      timestamp: 99,
    });
    await p.flush();
    await until(() => binary.length === 4 && json.length === 4);

    for (const received of [binary, json]) {
      expect(received.map((d) => d.seq)).toEqual([0, 1, 2, 3]);
      expect([...received[0]!.y].map(Number)).toEqual([-5, 0, 5]);
      expect([...received[0]!.x]).toEqual([0, 1, 2]);
      expect(received[1]).toMatchObject({ shape: [3, 2], dtype: 'float32' });
      expect([...received[1]!.y]).toEqual([0.25, 0.5, 1.5, 3, -1, -2]);
      expect([...received[1]!.x]).toEqual([3, 4]);
      expect(received[2]).toMatchObject({ shape: [2, 2], dtype: 'float32' });
      expect(received[3]).toMatchObject({ shape: [2, 2], dtype: 'float64', timestamp: 99 });
      expect([...received[3]!.x]).toEqual([10, 20]);
    }
    expect(binary[0]!.y).toBeInstanceOf(Int16Array);
    expect(binary[0]!.dtype).toBe('int16');
  });

  it('reports a bad packet to onError and stays usable', async () => {
    const received = await subscribe('lab', true);
    const errors: string[] = [];
    const p = await publisher('lab', (detail) => errors.push(detail));
    p.send({ y: [] });
    p.send({ y: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]), shape: [2, 2, 2] });
    p.send({ y: Float64Array.from([7]) });
    await p.flush();
    expect(errors).toEqual([expect.stringContaining('non-empty list'), expect.stringContaining('shape (n,) or (k, n)')]);
    await until(() => received.length === 1);
    expect(received[0]!.seq).toBe(0);
    expect(p.connected).toBe(true);
  });

  it('ready() rejects with ApiError when the channel is refused and with ConnectionError when there is no server', async () => {
    const demo = client.publish('demo');
    const refusal = await demo.ready().catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal).toMatchObject({ status: 1008, detail: expect.stringContaining('demo channel') });
    expect(demo.send({ y: [1] })).toBe(false);
    await expect(client.publish('no/slash').ready()).rejects.toMatchObject({ detail: expect.stringContaining('channel names') });

    const { port, release } = await refusingPort();
    const offline = new NpyClient({ baseUrl: `http://127.0.0.1:${port}`, webSocket: (url) => new WebSocket(url) });
    const error = await offline
      .publish('lab')
      .ready()
      .catch((err: unknown) => err);
    release();
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('reconnects after the server restarts on the same port and publishes again', async () => {
    const states: string[] = [];
    const p = client.publish('sensor', { onConnection: (s) => states.push(s) });
    closers.push(p);
    await p.ready();
    const { port, dataDir } = server;
    await server.close();
    await until(() => !p.connected);
    expect(p.send({ y: [1] })).toBe(false);
    await expect(p.flush()).rejects.toThrow('not connected');

    server = await startTestServer({ port, dataDir });
    const received = await subscribe('sensor', true);
    await until(() => p.connected);
    expect(states.filter((s) => s === 'open')).toHaveLength(2);
    expect(p.send({ y: Uint8Array.from([9]) })).toBe(true);
    await p.flush();
    await until(() => received.length === 1);
    expect(received[0]).toMatchObject({ seq: 0, dtype: 'uint8' });
  });
});
