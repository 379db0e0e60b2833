/**
 * A finished recording is stored once (its arrays; the log is deleted), a crash at any step of finishing loses
 * nothing, and replay reads the stored arrays on an injected clock: due times fixed from the start, never drifting.
 */
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeNpy } from '../common/npy/codec.js';
import { toTypedArray, typedArrayToNpy } from '../common/npy/typed.js';
import { SYNC_MS } from '../server/record/logWriter.js';
import { ReplayManager, type WaitUntil } from '../server/record/replay.js';
import { silentLogger } from '../server/logger.js';
import { newGroupId } from '../server/store/groups.js';
import type { EncodedPacket } from '../server/stream/packet.js';
import { toPacket } from '../server/stream/ingest.js';
import { ManualSchedule } from './helpers/manualSchedule.js';
import { type TestServer, makeDataDir, startTestServer } from './helpers/server.js';

const servers: TestServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function serve(dataDir: string, schedule = new ManualSchedule()): Promise<TestServer> {
  const server = await startTestServer({ dataDir, repeat: schedule.repeat });
  servers.push(server);
  return server;
}

/** Publishes straight into the hub (the recording is a sink of the channel, as for a socket producer). */
function publish(server: TestServer, name: string, values: Float64Array | Int16Array, shape: number[], t?: Float64Array): void {
  const channel = server.hub.channel(name);
  channel.publish(toPacket(channel, { y: decodeNpy(typedArrayToNpy(values, shape)), t }));
}

/** Every stored array of the recording, by name, as plain numbers. */
function storedValues(server: TestServer, id: string): Promise<Record<string, number[]>> {
  return Promise.all(
    server.store.groupArrays(id).map(async (info) => [info.name, Array.from(toTypedArray((await server.store.read(info.index))!), Number)]),
  ).then(Object.fromEntries);
}

async function until<T>(probe: () => T | undefined): Promise<T> {
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('finishing a recording', () => {
  it('keeps only the arrays: the log is deleted, and the listing keeps its sizes, packets and durable seqs', async () => {
    const dataDir = await makeDataDir();
    dirs.push(dataDir);
    const server = await serve(dataDir);
    const started = await server.recordings.start({ channels: ['once'] });
    for (let i = 0; i < 3; i++) publish(server, 'once', Float64Array.from([i, i + 0.5]), [2]);
    const stopped = await server.recordings.stop(started.id);
    expect(await readdir(join(dataDir, 'recordings', started.id))).toEqual(['recording.json']);
    expect(stopped).toMatchObject({ state: 'finished', packets: 3, lost: 0, durable_seq: { once: 2 } });
    expect(stopped.bytes).toBeGreaterThan(0);
    expect(server.recordings.get(started.id)).toEqual(stopped);
    expect(await storedValues(server, started.id)).toEqual({
      'once/y': [0, 0.5, 1, 1.5, 2, 2.5],
      'once/x': [0, 1, 2, 3, 4, 5],
      'once/t': expect.any(Array) as number[],
      'once/seq': [0, 0, 1, 1, 2, 2],
    });
    const npz = await fetch(`${server.url}/recordings/${started.id}?format=npz`);
    expect(npz.status).toBe(200);
    expect((await npz.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });

  it('after a crash at any step of finishing, the next start completes or redoes it, losing nothing', async () => {
    const dataDir = await makeDataDir();
    dirs.push(dataDir);
    const schedule = new ManualSchedule();
    let server = await serve(dataDir, schedule);
    const started = await server.recordings.start({ channels: ['crash.a', 'crash.b'] });
    for (let i = 0; i < 20; i++) {
      publish(server, 'crash.a', Float64Array.from([i]), [1]);
      publish(server, 'crash.b', Int16Array.from([i, -i, 2 * i, -2 * i]), [2, 2]);
    }
    schedule.tick(SYNC_MS);
    await until(() => (server.recordings.get(started.id).durable_seq['crash.b'] === 19 ? true : undefined));
    const dir = join(dataDir, 'recordings', started.id);
    // What a crash mid-recording leaves: the log, and the recording not marked finished.
    await copyFile(join(dir, 'packets.log'), join(dataDir, 'log.copy'));
    await copyFile(join(dir, 'recording.json'), join(dataDir, 'recording.copy'));
    const finished = await server.recordings.stop(started.id);
    const expected = await storedValues(server, started.id);
    const indexes = server.store.groupArrays(started.id).map((info) => info.index);
    await server.close();

    // Killed after marking it finished, before deleting the log: the log is deleted, the arrays stay as they are.
    await copyFile(join(dataDir, 'log.copy'), join(dir, 'packets.log'));
    server = await serve(dataDir);
    expect(await readdir(dir)).toEqual(['recording.json']);
    expect(server.recordings.get(started.id)).toEqual(finished);
    expect(server.store.groupArrays(started.id).map((info) => info.index)).toEqual(indexes);
    await server.close();

    // Killed after committing the arrays, before marking it finished: finished again from the log, once.
    await copyFile(join(dataDir, 'log.copy'), join(dir, 'packets.log'));
    await copyFile(join(dataDir, 'recording.copy'), join(dir, 'recording.json'));
    server = await serve(dataDir);
    const redone = server.recordings.get(started.id);
    expect(redone).toMatchObject({ state: 'finished', stop_reason: 'interrupted', packets: 40, durable_seq: finished.durable_seq });
    expect(redone.arrays.map((a) => a.name).sort()).toEqual(finished.arrays.map((a) => a.name).sort());
    expect(await storedValues(server, started.id)).toEqual(expected);
    expect(server.store.groupArrays(started.id).some((info) => indexes.includes(info.index))).toBe(false);
    expect(await readdir(dir)).toEqual(['recording.json']);
    expect(JSON.parse(await readFile(join(dir, 'recording.json'), 'utf8'))).toMatchObject({ stop_reason: 'interrupted' });
  });
});

/** A recording as a previous run left it when it died while recording: its recording.json unfinished, and its log. */
async function interruptedRecording(dataDir: string, channels: string[], log: Buffer): Promise<string> {
  const id = newGroupId('rec');
  const dir = join(dataDir, 'recordings', id);
  await mkdir(dir, { recursive: true });
  const file = { id, name: id, channels, started: new Date().toISOString(), finished: null, stop_reason: null };
  await writeFile(
    join(dir, 'recording.json'),
    JSON.stringify({ ...file, max_seconds: null, max_bytes: null, packets: 0, bytes: 0, lost: 0, durable_seq: {} }),
  );
  await writeFile(join(dir, 'packets.log'), log);
  return id;
}

/** One log record: its length, the CRC-32 of its body, the body. */
function logRecord(body: Buffer): Buffer {
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32LE(body.length, 0);
  prefix.writeUInt32LE(crc32(body), 4);
  return Buffer.concat([prefix, body]);
}

/** A record of the first builds' log format: uint32 meta length, meta JSON, x and t as float64, y's bytes. */
function jsonFormatRecord(c: number, seq: number, x: number[], t: number[], y: Int16Array, shape: number[]): Buffer {
  const meta = Buffer.from(JSON.stringify({ c, seq, descr: '<i2', shape, fortran: false, timestamp: t.at(-1) }));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(meta.length);
  const float64s = (values: number[]) => Buffer.from(Float64Array.from(values).buffer);
  return logRecord(Buffer.concat([length, meta, float64s(x), float64s(t), Buffer.from(y.buffer)]));
}

describe('recordings a previous build left unfinished', () => {
  it("a log of the first builds' JSON record format is still read: the recording finishes with every packet", async () => {
    const dataDir = await makeDataDir();
    dirs.push(dataDir);
    const log = Buffer.concat([
      jsonFormatRecord(0, 7, [0, 1], [100, 100.5], Int16Array.from([1, 2, -1, -2]), [2, 2]),
      jsonFormatRecord(1, 3, [0], [100.2], Int16Array.from([9]), [1]),
      jsonFormatRecord(0, 8, [2, 3], [101, 101.5], Int16Array.from([3, 4, -3, -4]), [2, 2]),
    ]);
    const id = await interruptedRecording(dataDir, ['old.a', 'old.b'], log);
    const server = await serve(dataDir);
    expect(server.recordings.get(id)).toMatchObject({
      state: 'finished',
      stop_reason: 'interrupted',
      packets: 3,
      durable_seq: { 'old.a': 8, 'old.b': 3 },
    });
    const values = await storedValues(server, id);
    expect(values['old.a/y']).toEqual([1, 2, 3, 4, -1, -2, -3, -4]);
    expect(values['old.a/t']).toEqual([100, 100.5, 101, 101.5]);
    expect(values['old.a/seq']).toEqual([7, 7, 8, 8]);
    expect(values['old.b/y']).toEqual([9]);
  });

  it('a log it cannot read is kept aside untouched, and the recording says so instead of staying "recording"', async () => {
    const dataDir = await makeDataDir();
    dirs.push(dataDir);
    // An intact record (its CRC holds) that claims 7 dimensions: a format this build does not know.
    const body = Buffer.alloc(64);
    body.writeUInt8(7, 4 + 8 + 8);
    const log = logRecord(body);
    const id = await interruptedRecording(dataDir, ['odd'], log);
    let server = await serve(dataDir);
    const info = server.recordings.get(id);
    expect(info.state).toBe('finished');
    expect(info.stop_reason).toMatch(
      /^interrupted; its log could not be read \(a record has 7 dimensions\) and is kept as packets\.unreadable\.log$/,
    );
    expect(info.arrays).toEqual([]);
    const dir = join(dataDir, 'recordings', id);
    expect((await readdir(dir)).sort()).toEqual(['packets.unreadable.log', 'recording.json']);
    expect(await readFile(join(dir, 'packets.unreadable.log'))).toEqual(log);
    await server.close();
    servers.splice(0);
    server = await serve(dataDir);
    expect(server.recordings.get(id)).toEqual(info);
    expect(await readFile(join(dir, 'packets.unreadable.log'))).toEqual(log);
  });
});

describe('replay from the stored arrays', () => {
  it('publishes each packet at start + its recorded offset / speed, however late the previous one went out', async () => {
    const dataDir = await makeDataDir();
    dirs.push(dataDir);
    const server = await serve(dataDir);
    const started = await server.recordings.start({ channels: ['src.a', 'src.b'] });
    // a: 1-D float64 with given times; b: (2, n) int16 packets, then a float64 one (a second segment, src.b@1).
    const aTimes = [10, 10.004, 10.0105, 10.02];
    aTimes.forEach((t0, i) => publish(server, 'src.a', Float64Array.from([i, i + 0.25]), [2], Float64Array.from([t0, t0 + 0.001])));
    publish(server, 'src.b', Int16Array.from([1, 2, 3, 4, 5, 6]), [2, 3], Float64Array.from([50, 50.001, 50.002]));
    publish(server, 'src.b', Int16Array.from([7, 8, 9, 10]), [2, 2], Float64Array.from([50.007, 50.008]));
    publish(server, 'src.b', Float64Array.from([0.5]), [1], Float64Array.from([50.0125]));
    await server.recordings.stop(started.id);

    let time = 1000;
    const dues: number[] = [];
    // Every timer fires 7 ms late: due times must still be start + offset, not drift by 7 ms a packet.
    const waitUntil: WaitUntil = (due) => {
      dues.push(due);
      time = Math.max(time, due + 7);
      return { done: Promise.resolve(), wake: () => {} };
    };
    const origin = 1_700_000_000_000;
    const replays = new ReplayManager(server.hub, server.recordings, server.store, silentLogger, {
      now: () => time,
      // Finding the origin takes time (it waits for the wall clock to tick over): the clock starts after it, so the
      // first packet is not already 3 ms late when due.
      origin: () => {
        time += 3;
        return origin;
      },
      waitUntil,
    });
    const received: { channel: string; packet: EncodedPacket['packet'] }[] = [];
    for (const name of ['replay.src.a', 'replay.src.b'])
      server.hub.channel(name).sinks.add({ receive: ({ packet }) => received.push({ channel: name, packet }) });
    const replay = replays.start({ recording: started.id, channel_prefix: 'replay.', speed: 2, loop: false });
    expect(replay.channels).toEqual({ 'src.a': 'replay.src.a', 'src.b': 'replay.src.b' });
    await until(() => (replays.get(replay.id).state === 'finished' ? true : undefined));

    // Each channel from its own first sample: a at 0, 2, 5.25, 10 ms; b at 0, 3.5, 6.25 ms (speed 2), merged.
    const offsetsMs = [0, 0, 2, 3.5, 5.25, 6.25, 10].map((ms) => 1003 + ms);
    expect(dues.map((due) => Math.round(due * 1000) / 1000)).toEqual(offsetsMs);
    const startUnix = (origin + 1003) / 1000;
    expect(received.map(({ channel, packet }) => [channel, packet.y.header.shape, Array.from(toTypedArray(packet.y), Number)])).toEqual([
      ['replay.src.a', [2], [0, 0.25]],
      ['replay.src.b', [2, 3], [1, 2, 3, 4, 5, 6]],
      ['replay.src.a', [2], [1, 1.25]],
      ['replay.src.b', [2, 2], [7, 8, 9, 10]],
      ['replay.src.a', [2], [2, 2.25]],
      ['replay.src.b', [1], [0.5]],
      ['replay.src.a', [2], [3, 3.25]],
    ]);
    const first = received[0]!.packet.t;
    expect(first[0]).toBe(startUnix);
    expect(first[1]).toBeCloseTo(startUnix + 0.0005, 9);
    expect(received[5]!.packet.t[0]).toBeCloseTo(startUnix + 0.00625, 9);
    expect(received[6]!.packet.t[0]).toBeCloseTo(startUnix + 0.01, 9);
    expect(received[1]!.packet.y.header.dtype.name).toBe('int16');
  });

  it('loops from the start until stopped, and a stop wakes a replay waiting for its next packet', async () => {
    const dataDir = await makeDataDir();
    dirs.push(dataDir);
    const server = await serve(dataDir);
    const started = await server.recordings.start({ channels: ['looped'] });
    for (let i = 0; i < 3; i++) publish(server, 'looped', Float64Array.from([i]), [1], Float64Array.from([i]));
    await server.recordings.stop(started.id);
    let wake = () => {};
    let waits = 0;
    // The first 7 waits end at once (two rounds and a bit); the 8th waits until woken.
    const waitUntil: WaitUntil = () => {
      if (++waits <= 7) return { done: Promise.resolve(), wake: () => {} };
      return { done: new Promise<void>((resolve) => (wake = resolve)), wake: () => wake() };
    };
    const replays = new ReplayManager(server.hub, server.recordings, server.store, silentLogger, {
      now: () => 0,
      origin: () => 0,
      waitUntil,
    });
    const values: number[] = [];
    server.hub.channel('again.looped').sinks.add({ receive: ({ packet }) => values.push(toTypedArray(packet.y)[0] as number) });
    const replay = replays.start({ recording: started.id, channel_prefix: 'again.', speed: 1, loop: true });
    await until(() => (waits === 8 ? true : undefined));
    expect(values).toEqual([0, 1, 2, 0, 1, 2, 0]);
    expect(server.hub.channel('again.looped').publishers).toBe(1);
    expect(replays.stop(replay.id).state).toBe('stopped');
    await until(() => (server.hub.channel('again.looped').publishers === 0 ? true : undefined));
    expect(values).toHaveLength(7);
  });

  it('refuses a recording whose arrays were deleted, and one still recording', async () => {
    const dataDir = await makeDataDir();
    dirs.push(dataDir);
    const server = await serve(dataDir);
    const started = await server.recordings.start({ channels: ['gone'] });
    expect(() => server.replays.start({ recording: started.id, channel_prefix: 'r.', speed: 1, loop: false })).toThrow(/still recording/);
    publish(server, 'gone', Float64Array.from([1]), [1]);
    const stopped = await server.recordings.stop(started.id);
    await server.store.delete(stopped.arrays.find((a) => a.name === 'gone/t')!.index);
    const response = await fetch(`${server.url}/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ recording: started.id }),
    });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/gone\/t .*deleted/);
  });
});
