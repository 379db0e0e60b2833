import { openAsBlob } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { typedArrayToNpy } from '../common/npy/typed.js';
import { type TestServer, startTestServer } from '../test/helpers/server.js';
import { refusingPort } from '../test/helpers/refusingPort.js';
import { until } from '../test/helpers/wait.js';
import { ApiError, ConnectionError, NpyClient, type Progress, type StreamData } from './index.js';

let server: TestServer;
let client: NpyClient;

beforeEach(async () => {
  server = await startTestServer({ streamRate: 50 });
  client = new NpyClient({ baseUrl: server.url, webSocket: (url) => new WebSocket(url) });
});
afterEach(async () => {
  await server.dispose();
});

/** An `onData` that collects the first `count` packets; `done` resolves with exactly those, whatever arrives later. */
function collect(count: number): { onData: (d: StreamData) => void; done: Promise<StreamData[]> } {
  const received: StreamData[] = [];
  let finish!: (d: StreamData[]) => void;
  const done = new Promise<StreamData[]>((resolve) => (finish = resolve));
  return {
    onData: (data) => {
      if (received.length === count) return;
      received.push(data);
      if (received.length === count) finish(received.slice());
    },
    done,
  };
}

describe('HTTP', () => {
  it('health, upload with progress, list, get exact values, JSON, delete', async () => {
    expect(await client.health()).toMatchObject({ status: 'healthy', arrays: 0, streaming: false });

    const values = Float32Array.from({ length: 600 }, (_, i) => Math.sin(i) * 1e6);
    const progress: Progress[] = [];
    const uploaded = await client.uploadArray({ values, shape: [20, 30], name: 'sines.npy' }, (p) => progress.push(p));
    expect(uploaded).toMatchObject({ status: 'success', index: 0, name: 'sines.npy', shape: [20, 30], dtype: 'float32' });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toEqual({ loaded: progress.at(-1)!.total, total: expect.any(Number) });

    expect((await client.listArrays()).map((a) => [a.index, a.name, a.shape])).toEqual([[0, 'sines.npy', [20, 30]]]);

    const downloadProgress: Progress[] = [];
    const array = await client.getArray(0, (p) => downloadProgress.push(p));
    expect(array.values).toEqual(values);
    expect(array.header.shape).toEqual([20, 30]);
    expect(array.npy).toEqual(typedArrayToNpy(values, [20, 30]));
    expect(downloadProgress.at(-1)).toEqual({ loaded: array.npy.length, total: array.npy.length });

    const asJson = await client.getArrayJson(0);
    expect(asJson).toMatchObject({ index: 0, shape: [20, 30], dtype: 'float32' });
    expect(Float32Array.from((asJson.data as number[][]).flat())).toEqual(values);

    expect(await client.deleteArray(0)).toEqual({ status: 'deleted', index: 0 });
    expect(await client.listArrays()).toEqual([]);
  });

  it('streams a file from disk up and back down byte for byte', async () => {
    const path = join(server.dataDir, 'big.npy');
    const npy = typedArrayToNpy(BigInt64Array.from({ length: 300_000 }, (_, i) => BigInt(i) * 30_000_000_000n - 2n ** 62n));
    await writeFile(path, npy);
    const progress: Progress[] = [];
    const uploaded = await client.uploadFile({ body: await openAsBlob(path), name: 'big.npy' }, (p) => progress.push(p));
    expect(uploaded).toMatchObject({ shape: [300_000], dtype: 'int64', bytes: npy.length });
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)!.loaded).toBe(progress.at(-1)!.total);

    expect(Buffer.from(await client.downloadNpy(uploaded.index)).equals(npy)).toBe(true);
    const streamed = await new Response(await client.openNpy(uploaded.index)).arrayBuffer();
    expect(Buffer.from(streamed).equals(npy)).toBe(true);
    expect((await client.getArray(uploaded.index)).values[299_999]).toBe(299_999n * 30_000_000_000n - 2n ** 62n);
  });

  it("turns refusals into ApiError with the server's detail and an unreachable server into ConnectionError", async () => {
    await expect(client.getArray(7)).rejects.toMatchObject({ name: 'ApiError', status: 404, detail: 'Array not found' });
    await expect(client.deleteArray(7)).rejects.toBeInstanceOf(ApiError);
    const invalid = client.uploadFile({ body: new TextEncoder().encode('not numpy'), name: 'x.npy' });
    await expect(invalid).rejects.toMatchObject({ status: 400, detail: expect.stringContaining('Invalid numpy file') });
    await expect(client.postPacket('demo', new Float64Array(2))).rejects.toMatchObject({ status: 403 });

    const { port, release } = await refusingPort();
    const offline = new NpyClient({ baseUrl: `http://127.0.0.1:${port}` });
    const error = await offline.health().catch((err: unknown) => err);
    release();
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).message).toContain(`cannot reach http://127.0.0.1:${port}/health`);
  });
});

describe('streams', () => {
  it('startDemo, then subscribe in binary and in JSON; stopDemo; listStreams', async () => {
    expect(await client.startDemo()).toEqual({ status: 'streaming started', streaming: true });
    const binary = collect(3);
    const json = collect(3);
    const subscriptions = [client.stream({ onData: binary.onData }), client.stream({ binary: false, onData: json.onData })];
    for (const packets of [await binary.done, await json.done]) {
      expect(packets.map((p) => p.seq - packets[0]!.seq)).toEqual([0, 1, 2]);
      for (const p of packets) expect(p).toMatchObject({ channel: 'demo', shape: [100], dtype: 'float64' });
      expect(packets[0]!.x).toHaveLength(100);
    }
    expect((await client.listStreams()).find((c) => c.name === 'demo')).toMatchObject({ subscribers: 2, streaming: true });
    expect(await client.stopDemo()).toEqual({ status: 'streaming stopped', streaming: false });
    subscriptions.forEach((s) => s.close());
  });

  it('autoStart starts the demo as the seed client does, and onStatus reports it', async () => {
    const statuses: boolean[] = [];
    const first = collect(1);
    const subscription = client.stream({ autoStart: true, onData: first.onData, onStatus: (s) => statuses.push(s.streaming) });
    await first.done;
    expect(statuses).toEqual([true]);
    subscription.close();
  });

  it("a refused channel name surfaces the server's detail and stops reconnecting", async () => {
    const errors: string[] = [];
    const states: string[] = [];
    let closed!: () => void;
    const closedOnce = new Promise<void>((resolve) => (closed = resolve));
    const subscription = client.stream({
      channel: 'no/slash',
      onError: (detail) => errors.push(detail),
      onConnection: (state) => {
        states.push(state);
        if (state === 'closed') closed();
      },
    });
    await closedOnce;
    expect(errors).toEqual([expect.stringContaining('channel names are')]);
    expect(subscription.refused).toBe(true);
    // A later packet on a valid channel proves the event loop moved on without a second attempt.
    await client.postPacket('lab', Int16Array.from([1]));
    expect(states).toEqual(['connecting', 'open', 'closed']);
  });

  it('a subscription reconnects when the server restarts on the same port', async () => {
    const states: string[] = [];
    const packets: StreamData[] = [];
    const subscription = client.stream({ channel: 'lab', onData: (d) => packets.push(d), onConnection: (s) => states.push(s) });
    await subscription.ready();
    const { port, dataDir } = server;
    await server.close();
    await until(() => states.includes('closed'));
    server = await startTestServer({ port, dataDir });
    await until(() => states.filter((s) => s === 'open').length === 2);
    expect((await client.listStreams()).find((c) => c.name === 'lab')?.subscribers).toBe(1);

    await client.postPacket('lab', Int16Array.from([1, 2, 3]));
    await until(() => packets.length === 1);
    expect(packets[0]).toMatchObject({ channel: 'lab', seq: 0, dtype: 'int16', shape: [3] });
    expect([...packets[0]!.y]).toEqual([1, 2, 3]);
    subscription.close();
  });
});

describe('recordings, lookback and the channel list', () => {
  it('records a channel fed by a Publisher with t, names and units; a late lookback subscriber gets the history first', async () => {
    const feed: string[][] = [];
    const watcher = client.watchStreams({ onStreams: (streams) => feed.push(streams.map((s) => s.name)) });
    const recording = await client.startRecording({ channels: ['rec'], name: 'client-run' });
    expect(recording).toMatchObject({ state: 'recording', name: 'client-run', channels: ['rec'] });
    const publisher = client.publish('rec');
    await publisher.ready();
    publisher.send({ y: new Int16Array([1, 2, 3]), t: [5, 6, 7], names: ['volts'], units: 'V' });
    publisher.send({ y: new Float64Array([4, 5]), rate: 10, timestamp: 100 });
    await publisher.flush();

    const late = collect(2);
    const subscription = client.stream({ channel: 'rec', lookback: 60, onData: late.onData });
    const [first, second] = await late.done;
    expect(first).toMatchObject({ seq: 0, history: true, dtype: 'int16', names: ['volts'], units: ['V'] });
    expect([...first!.t]).toEqual([5, 6, 7]);
    expect(second).toMatchObject({ seq: 1, history: true, dtype: 'float64' });
    expect([...second!.t]).toEqual([100, 100.1]);

    const stopped = await client.stopRecording(recording.id);
    expect(stopped.state).toBe('finished');
    // The dtype changed, so the second packet starts segment @1.
    expect(stopped.arrays.map((a) => a.name).sort()).toEqual([
      'rec/seq',
      'rec/t',
      'rec/x',
      'rec/y',
      'rec@1/seq',
      'rec@1/t',
      'rec@1/x',
      'rec@1/y',
    ]);
    expect((await client.listRecordings()).map((r) => r.id)).toEqual([recording.id]);
    const npz = await client.downloadRecording(recording.id);
    expect([...npz.subarray(0, 2)]).toEqual([0x50, 0x4b]);

    const replay = await client.startReplay({ recording: recording.id, speed: 100 });
    expect(replay.channels).toEqual({ rec: 'replay.rec' });
    expect((await client.stopReplay(replay.id)).state).not.toBe('playing');
    await until(() => feed.some((names) => names.includes('rec')));
    subscription.close();
    publisher.close();
    watcher.close();
  });
});
