/** The live-data wire contract: sample times three ways, names/units, framed binary publish, image-sized packets, /ws/streams. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { encodeFrame } from '../common/frames.js';
import { typedArrayToNpy } from '../common/npy/typed.js';
import type { ChannelInfo, StreamsMessage } from '../common/protocol.js';
import { connectProducer } from './helpers/producer.js';
import { type TestServer, json, startTestServer } from './helpers/server.js';
import { TestClient } from './helpers/ws.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.dispose());

async function publishBinary(channel: string, body: Uint8Array): Promise<Response> {
  return fetch(`${server.url}/stream/${channel}`, { method: 'POST', headers: { 'content-type': 'application/x-npy' }, body });
}

describe('sample times', () => {
  it('t as given; timestamp + i / rate; else spread evenly since the previous packet, ending at its timestamp', async () => {
    const sub = await TestClient.connect(server.url, '?channel=times');
    const p = await connectProducer(server.url, 'times');
    p.send({ y: [1, 2, 3], t: [10, 10.5, 11.25] });
    p.send({ y: [1, 2, 3, 4], timestamp: 20, rate: 4 });
    p.send({ y: [1, 2], timestamp: 30 });
    await p.flush();
    expect((await sub.nextOfType('data')).t).toEqual([10, 10.5, 11.25]);
    expect((await sub.nextOfType('data')).t).toEqual([20, 20.25, 20.5, 20.75]);
    // Previous packet's last sample at 20.75: two samples spread over (20.75, 30].
    expect((await sub.nextOfType('data')).t).toEqual([20.75 + 9.25 / 2, 30]);
    await Promise.all([sub.close(), p.close()]);
  });

  it("without any time, a channel's first packet gets its arrival time for every sample, the next ones spread up to theirs", async () => {
    const sub = await TestClient.connect(server.url, '?channel=arrival');
    const p = await connectProducer(server.url, 'arrival');
    const before = Date.now() / 1000;
    p.send({ y: [1, 2, 3] });
    p.send({ y: [4, 5] });
    await p.flush();
    const after = Date.now() / 1000;
    const first = (await sub.nextOfType('data')).t as number[];
    const second = (await sub.nextOfType('data')).t as number[];
    expect(new Set(first).size).toBe(1);
    expect(first[0]).toBeGreaterThanOrEqual(before - 0.001);
    expect(second[0]).toBeGreaterThanOrEqual(first[2]!);
    expect(second[1]).toBeGreaterThanOrEqual(second[0]!);
    expect(second[1]).toBeLessThanOrEqual(after + 0.001);
    await Promise.all([sub.close(), p.close()]);
  });
});

describe('framed binary publish and metadata', () => {
  it('takes metadata, y and t in one frame; names and units reach subscribers and GET /streams', async () => {
    const sub = await TestClient.connect(server.url, '?channel=framed');
    const y = typedArrayToNpy(new Int16Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    const t = typedArrayToNpy(new Float64Array([1.5, 2.5, 3.5]));
    const response = await publishBinary('framed', encodeFrame({ names: ['a', 'b'], units: 'mV' }, [y, t]));
    expect(response.status).toBe(200);
    const message = await sub.nextOfType('data');
    expect(message).toMatchObject({
      shape: [2, 3],
      dtype: 'int16',
      t: [1.5, 2.5, 3.5],
      names: ['a', 'b'],
      units: ['mV', 'mV'],
      y: [
        [1, 2, 3],
        [4, 5, 6],
      ],
    });
    // Kept per channel: the next packet without metadata still carries them.
    expect((await publishBinary('framed', y)).status).toBe(200);
    expect(await sub.nextOfType('data')).toMatchObject({ names: ['a', 'b'], units: ['mV', 'mV'] });
    const info = (await json<{ streams: ChannelInfo[] }>(await fetch(`${server.url}/streams`))).streams.find((s) => s.name === 'framed');
    expect(info).toMatchObject({ names: ['a', 'b'], units: ['mV', 'mV'], packets: 2 });
    await sub.close();
  });

  it.each([
    [
      't of the wrong length',
      encodeFrame({}, [typedArrayToNpy(new Float32Array(3)), typedArrayToNpy(new Float64Array(2))]),
      't must be float64 of shape (3,)',
    ],
    ['t not float64', encodeFrame({}, [typedArrayToNpy(new Float32Array(3)), typedArrayToNpy(new Float32Array(3))]), 't must be float64'],
    ['unknown metadata', encodeFrame({ colour: 'red' }, [typedArrayToNpy(new Float32Array(3))]), 'frame metadata'],
    [
      'names for the wrong series count',
      encodeFrame({ names: ['a', 'b'] }, [typedArrayToNpy(new Float32Array(3))]),
      '"names" has 2 entries',
    ],
    ['no y', encodeFrame({}, []), 'no .npy of y'],
    ['a frame cut short', encodeFrame({}, [typedArrayToNpy(new Float32Array(3))]).subarray(0, 40), 'invalid .npy'],
  ])('refuses %s with 400 and a reason', async (_what, body, detail) => {
    const response = await publishBinary('framed-bad', body);
    expect(response.status).toBe(400);
    expect((await json<{ detail: string }>(response)).detail).toContain(detail);
  });

  it('accepts an image-sized packet: 4096 series of 1 sample, any k within 2^20 values', async () => {
    const sub = await TestClient.connect(server.url, '?channel=camera&binary=1');
    const frame = new Uint8Array(4096).map((_, i) => i % 251);
    expect((await publishBinary('camera', typedArrayToNpy(frame, [4096, 1]))).status).toBe(200);
    const bytes = await sub.nextBinary();
    expect(bytes.length).toBeGreaterThan(4096);
    await sub.close();
  });
});

describe('/ws/streams', () => {
  it('sends the channel list on connect and again when a channel appears, with a sparkline of recent values', async () => {
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws/streams`);
    const messages: StreamsMessage[] = [];
    let wake = () => {};
    ws.on('message', (data) => {
      messages.push(JSON.parse(String(data)) as StreamsMessage);
      wake();
    });
    const until = async (match: (m: StreamsMessage) => boolean) => {
      for (;;) {
        const found = messages.find(match);
        if (found) return found;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    };
    const first = await until(() => true);
    expect(first.type).toBe('streams');
    expect(first.streams.some((s) => s.name === 'demo')).toBe(true);
    const p = await connectProducer(server.url, 'spark');
    p.send({ y: [1, 2, 3] });
    p.send({ y: [4, 'NaN'] });
    p.send({
      y: [
        [7, 8],
        [9, 10],
      ],
    });
    await p.flush();
    const listed = await until((m) => m.streams.some((s) => s.name === 'spark' && s.packets === 3));
    expect(listed.streams.find((s) => s.name === 'spark')).toMatchObject({ publishers: 1, streaming: true, sparkline: [3, null, 8] });
    await p.close();
    ws.close();
  });
});
