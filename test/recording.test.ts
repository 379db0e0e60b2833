/** Recordings: a round trip against real NumPy, limits, segments, replay, and survival of kill -9. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordingInfo } from '../common/protocol.js';
import { runPython } from './helpers/python.js';
import { type TestServer, json, makeDataDir, startTestServer } from './helpers/server.js';
import { spawnServer } from './helpers/serverProcess.js';
import { TestClient } from './helpers/ws.js';
import { connectProducer } from './helpers/producer.js';
import { readFile, rm } from 'node:fs/promises';

const SCRIPT = new URL('./fixtures/record_roundtrip.py', import.meta.url);

async function post<T>(url: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function python(args: string[]): Promise<string> {
  return runPython(await readFile(SCRIPT, 'utf8'), args);
}

async function downloadNpz(url: string, id: string, dir: string): Promise<string> {
  const response = await fetch(`${url}/recordings/${id}?format=npz`);
  expect(response.status).toBe(200);
  const path = join(dir, `${id}.npz`);
  await writeFile(path, new Uint8Array(await response.arrayBuffer()));
  return path;
}

describe('recording', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.dispose());

  it('round trip: 100,000 samples from a Python producer come back from np.load exactly, with times and seqs', async () => {
    const started = await post<RecordingInfo>(`${server.url}/recordings`, { channels: ['rt.int', 'rt.f32'], name: 'run1' });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ state: 'recording', name: 'run1', channels: ['rt.int', 'rt.f32'] });
    expect(await python(['produce', server.url])).toContain('sent');
    const stopped = await post<RecordingInfo>(`${server.url}/recordings/${started.body.id}/stop`);
    expect(stopped.body).toMatchObject({ state: 'finished', stop_reason: 'stopped', lost: 0, packets: 200 });
    expect(stopped.body.arrays.map((a) => a.name).sort()).toEqual([
      'rt.f32/seq',
      'rt.f32/t',
      'rt.f32/x',
      'rt.f32/y',
      'rt.int/seq',
      'rt.int/t',
      'rt.int/x',
      'rt.int/y',
    ]);
    expect(stopped.body.arrays.find((a) => a.name === 'rt.int/y')).toMatchObject({ shape: [3, 100_000], dtype: 'int16' });
    const path = await downloadNpz(server.url, started.body.id, server.dataDir);
    expect((await python(['verify', path])).trim()).toBe('ok');

    const listed = (await json<{ arrays: { name: string; group?: string }[] }>(await fetch(`${server.url}/arrays`))).arrays;
    expect(listed.filter((a) => a.group === started.body.id)).toHaveLength(8);
    const all = (await json<{ recordings: RecordingInfo[] }>(await fetch(`${server.url}/recordings`))).recordings;
    expect(all.find((r) => r.id === started.body.id)).toMatchObject({ durable_seq: { 'rt.int': 99, 'rt.f32': 99 } });
  });

  it('starts a new segment when the dtype or series count changes, and stops itself at max_bytes with the reason', async () => {
    const started = await post<RecordingInfo>(`${server.url}/recordings`, { channels: ['seg'], max_bytes: 10_000_000 });
    const p = await connectProducer(server.url, 'seg');
    p.send({ y: [1, 2, 3] });
    p.send({
      y: [
        [1, 2],
        [3, 4],
      ],
    });
    p.send({ y: [5, 6] });
    await p.flush();
    const stopped = await post<RecordingInfo>(`${server.url}/recordings/${started.body.id}/stop`);
    const names = stopped.body.arrays.map((a) => `${a.name}:${a.shape.join('x')}`).sort();
    expect(names).toContain('seg/y:3');
    expect(names).toContain('seg@1/y:2x2');
    expect(names).toContain('seg@2/y:2');
    expect(names).toContain('seg@2/seq:2');

    const limited = await post<RecordingInfo>(`${server.url}/recordings`, { channels: ['seg'], max_bytes: 500 });
    p.send({ y: Array.from({ length: 100 }, (_, i) => i) });
    await p.flush();
    for (;;) {
      const info = await json<RecordingInfo>(await fetch(`${server.url}/recordings/${limited.body.id}`));
      if (info.state === 'finished') {
        expect(info.stop_reason).toBe('max_bytes');
        break;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await p.close();
  });

  it('refuses bad requests with 422 or 404', async () => {
    expect((await post(`${server.url}/recordings`, { channels: [] })).status).toBe(422);
    expect((await post(`${server.url}/recordings`, { channels: ['a'], bogus: 1 })).status).toBe(422);
    expect((await post(`${server.url}/recordings`, { channels: ['bad name'] })).status).toBe(400);
    expect((await post(`${server.url}/recordings/nope/stop`)).status).toBe(404);
    expect((await fetch(`${server.url}/recordings/nope?format=npz`)).status).toBe(404);
    expect((await post(`${server.url}/replay`, { recording: 'nope' })).status).toBe(404);
    expect((await fetch(`${server.url}/replay/nope`, { method: 'DELETE' })).status).toBe(404);
  });

  it('replays a recording into replay.<channel> with the same values and shifted times', async () => {
    const started = await post<RecordingInfo>(`${server.url}/recordings`, { channels: ['src'] });
    const p = await connectProducer(server.url, 'src');
    for (let i = 0; i < 5; i++) p.send({ y: [i, i + 0.5], t: [100 + i, 100.001 + i / 1000 + i] });
    await p.flush();
    await p.close();
    await post(`${server.url}/recordings/${started.body.id}/stop`);
    const sub = await TestClient.connect(server.url, '?channel=replay.src');
    const replay = await post<{ id: string; channels: Record<string, string> }>(`${server.url}/replay`, {
      recording: started.body.id,
      speed: 1000,
    });
    expect(replay.body.channels).toEqual({ src: 'replay.src' });
    const ys: unknown[] = [];
    for (let i = 0; i < 5; i++) ys.push((await sub.nextOfType('data')).y);
    expect(ys).toEqual([0, 1, 2, 3, 4].map((i) => [i, i + 0.5]));
    expect((await fetch(`${server.url}/replay/${replay.body.id}`, { method: 'DELETE' })).status).toBe(200);
    await sub.close();
  });

  it('keeps the series names and units a producer gave, lists them with the recording, and replays them', async () => {
    const started = await post<RecordingInfo>(`${server.url}/recordings`, { channels: ['named', 'plain'] });
    const named = await connectProducer(server.url, 'named');
    const plain = await connectProducer(server.url, 'plain');
    named.send({ y: [[1], [2]], names: ['ax', 'ay'], units: 'm/s²' });
    named.send({ y: [[3], [4]] }); // the channel's names and units hold until changed
    plain.send({ y: [5] });
    await Promise.all([named.flush(), plain.flush()]);
    await Promise.all([named.close(), plain.close()]);
    const stopped = await post<RecordingInfo>(`${server.url}/recordings/${started.body.id}/stop`);
    expect(stopped.body.series).toEqual({ named: { names: ['ax', 'ay'], units: ['m/s²', 'm/s²'] } });
    expect((await json<RecordingInfo>(await fetch(`${server.url}/recordings/${started.body.id}`))).series).toEqual(stopped.body.series);

    const sub = await TestClient.connect(server.url, '?channel=replay.named');
    await post(`${server.url}/replay`, { recording: started.body.id, speed: 1000 });
    for (const y of [
      [[1], [2]],
      [[3], [4]],
    ]) {
      expect(await sub.nextOfType('data')).toMatchObject({ y, names: ['ax', 'ay'], units: ['m/s²', 'm/s²'] });
    }
    await sub.close();
  });
});

describe('recording survives kill -9', () => {
  it('after kill -9 and a restart, every packet up to the last durable seq reported is there', async () => {
    const dataDir = await makeDataDir();
    const first = await spawnServer(dataDir);
    try {
      const started = await post<RecordingInfo>(`${first.url}/recordings`, { channels: ['crash'] });
      const p = await connectProducer(first.url, 'crash');
      let durable = -1;
      let sent = 0;
      // Keep publishing until the server reports at least 20 packets durable, then kill it mid-stream.
      while (durable < 20) {
        for (let i = 0; i < 5; i++, sent++) p.send({ y: [sent, -sent] });
        await p.flush();
        const info = await json<RecordingInfo>(await fetch(`${first.url}/recordings/${started.body.id}`));
        durable = info.durable_seq.crash ?? -1;
      }
      for (let i = 0; i < 5; i++, sent++) p.send({ y: [sent, -sent] });
      first.child.kill('SIGKILL');
      await new Promise((resolve) => first.child.once('exit', resolve));

      const second = await spawnServer(dataDir);
      try {
        const info = await json<RecordingInfo>(await fetch(`${second.url}/recordings/${started.body.id}`));
        expect(info).toMatchObject({ state: 'finished', stop_reason: 'interrupted' });
        expect(info.durable_seq.crash).toBeGreaterThanOrEqual(durable);
        const path = await downloadNpz(second.url, started.body.id, dataDir);
        const check = await runPython(
          `import numpy as np, sys
d = np.load(sys.argv[1]); seq = d['crash/seq']; y = d['crash/y']
n = int(sys.argv[2]) + 1
assert np.array_equal(np.unique(seq)[:n], np.arange(n)), seq
assert np.array_equal(y[0::2][:n], np.arange(n)) and np.array_equal(y[1::2][:n], -np.arange(n))
print('ok', len(np.unique(seq)))`,
          [path, String(durable)],
        );
        expect(check).toMatch(/^ok \d+/);
      } finally {
        await second.stop();
      }
    } finally {
      if (first.child.exitCode === null) first.child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
