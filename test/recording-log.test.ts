/** The recording log: records read back bit for bit, short encodings only when exact, torn tails, batched writes and fsyncs. */
import { mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { crc32 } from 'node:zlib';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dtypeFromName } from '../common/npy/dtype.js';
import { LogWriter, SYNC_MS, WRITE_BATCH_BYTES } from '../server/record/logWriter.js';
import { type EncodedRecord, LogFormatError, type LoggedPacket, encodeRecord, readLog } from '../server/record/packetLog.js';
import type { StreamPacket } from '../server/stream/packet.js';
import { ManualSchedule } from './helpers/manualSchedule.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recording-log-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function packet(y: Float64Array | Int16Array, shape: number[], x: Float64Array, t: Float64Array, fortranOrder = false): StreamPacket {
  const dtype = dtypeFromName(y instanceof Int16Array ? 'int16' : 'float64');
  const data = new Uint8Array(y.buffer, y.byteOffset, y.byteLength);
  return {
    timestamp: t[0] ?? 0,
    x,
    t,
    y: { header: { version: 1, dtype, fortranOrder, shape, dataOffset: 0, count: y.length, dataBytes: data.byteLength }, data },
  };
}

const bytesOf = (values: Float64Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength);
const concat = (record: EncodedRecord) => Buffer.concat(record.pieces);

/** How the channel spreads n samples after `start` up to `end` (Channel.sampleTimes). */
function spreadTimes(start: number, end: number, n: number): Float64Array {
  const step = (end - start) / n;
  const t = Float64Array.from({ length: n }, (_, i) => start + (i + 1) * step);
  t[n - 1] = end;
  return t;
}

const ramp = (x0: number, n: number) => Float64Array.from({ length: n }, (_, i) => x0 + i);
const atRate = (t0: number, rate: number, n: number) => Float64Array.from({ length: n }, (_, i) => t0 + i / rate);

async function writeAndRead(records: EncodedRecord[]): Promise<LoggedPacket[]> {
  const path = join(dir, 'log');
  await writeFile(path, Buffer.concat(records.map(concat)));
  const out: LoggedPacket[] = [];
  for await (const logged of readLog(path)) out.push(logged);
  return out;
}

describe('log records', () => {
  it('read back every packet exactly: x, t (all four time rules, NaN and -0 included), y in its dtype and order', async () => {
    const n = 1000;
    const sent: { c: number; seq: number; packet: StreamPacket }[] = [];
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
    // Channel-made x and t: the first packet's times all equal, the next ones spread from the previous last time.
    sent.push({ c: 0, seq: 0, packet: packet(y, [n], ramp(0, n), new Float64Array(n).fill(1700000000.123)) });
    sent.push({ c: 0, seq: 1, packet: packet(y, [n], ramp(n, n), spreadTimes(1700000000.123, 1700000000.987654, n)) });
    // Another channel in between, with timestamp + i / rate at a few rates.
    for (const [seq, rate] of [1000, 44100, 3, 1e6].entries())
      sent.push({ c: 1, seq, packet: packet(y, [n], ramp(seq * n, n), atRate(1700000001.5 + seq, rate, n)) });
    sent.push({ c: 0, seq: 2, packet: packet(y, [n], ramp(2 * n, n), spreadTimes(1700000000.987654, 1700000001.5, n)) });
    // Producer-given t and x with awkward values: random, NaN, -0, a non-ramp x.
    const odd = Float64Array.from({ length: n }, () => Math.random() * 1e9);
    odd[3] = NaN;
    odd[4] = -0;
    const negativeZeroRamp = ramp(0, n);
    negativeZeroRamp[0] = -0;
    sent.push({ c: 0, seq: 3, packet: packet(y, [n], negativeZeroRamp, odd) });
    sent.push({
      c: 0,
      seq: 4,
      packet: packet(
        y,
        [n],
        odd,
        odd.map((v) => v + 1),
      ),
    });
    // (k, n) packets in C and Fortran order.
    const k3 = Int16Array.from({ length: 3 * n }, (_, i) => i - 1500);
    sent.push({ c: 2, seq: 7, packet: packet(k3, [3, n], ramp(5, n), atRate(10, 1000, n)) });
    sent.push({ c: 2, seq: 8, packet: packet(k3, [3, n], ramp(5 + n, n), atRate(11, 1000, n), true) });

    const previous = new Map<number, number>();
    const records = sent.map(({ c, seq, packet: p }) => {
      const record = encodeRecord(c, seq, p, previous.get(c));
      previous.set(c, p.t[p.t.length - 1]!);
      return record;
    });
    const read = await writeAndRead(records);
    expect(read).toHaveLength(sent.length);
    read.forEach((logged, i) => {
      const { c, seq, packet: p } = sent[i]!;
      expect(logged.meta).toEqual({
        c,
        seq,
        descr: p.y.header.dtype.descr,
        shape: p.y.header.shape,
        fortran: p.y.header.fortranOrder,
        timestamp: p.timestamp,
      });
      expect(bytesOf(logged.x).equals(bytesOf(p.x)), `x of record ${i}`).toBe(true);
      expect(bytesOf(logged.t).equals(bytesOf(p.t)), `t of record ${i}`).toBe(true);
      expect(Buffer.from(logged.y.data).equals(Buffer.from(p.y.data))).toBe(true);
    });
  });

  it('costs y and a short head when the server made x and t, and all of x and t when they follow no rule', () => {
    const n = 1000;
    const y = new Float64Array(n);
    const made = encodeRecord(0, 5, packet(y, [n], ramp(5000, n), spreadTimes(10, 11, n)), 10);
    expect(made.bytes).toBeLessThanOrEqual(8 * n + 64);
    // A producer's timestamp + i / rate, at round rates.
    for (const rate of [1000, 44100, 12.5, 1e6]) {
      const timed = encodeRecord(0, 5, packet(y, [n], ramp(0, n), atRate(1733000000.123456, rate, n)), undefined);
      expect(timed.bytes, `rate ${rate}`).toBeLessThanOrEqual(8 * n + 64);
    }
    const given = Float64Array.from({ length: n }, () => Math.random());
    const full = encodeRecord(0, 5, packet(y, [n], given, given), 10);
    expect(full.bytes).toBeGreaterThanOrEqual(3 * 8 * n);
    // Without the previous packet's last time a spread cannot be rebuilt, so it is kept in full.
    expect(encodeRecord(0, 5, packet(y, [n], ramp(0, n), spreadTimes(10, 11, n)), undefined).bytes).toBeGreaterThanOrEqual(2 * 8 * n);
  });

  it('stops at a torn or corrupted record and keeps every record before it', async () => {
    const n = 10;
    const records = [0, 1, 2].map((seq) =>
      encodeRecord(0, seq, packet(new Float64Array(n).fill(seq), [n], ramp(seq * n, n), atRate(seq, 100, n)), undefined),
    );
    const path = join(dir, 'log');
    const whole = Buffer.concat(records.map(concat));
    await writeFile(path, whole);
    await truncate(path, whole.length - 3);
    const seqs = async () => {
      const out: number[] = [];
      for await (const logged of readLog(path)) out.push(logged.meta.seq);
      return out;
    };
    expect(await seqs()).toEqual([0, 1]);
    const corrupted = Buffer.from(whole);
    corrupted[records[0]!.bytes + 20]! ^= 0xff;
    await writeFile(path, corrupted);
    expect(await seqs()).toEqual([0]);
    await rm(path);
    expect(await seqs()).toEqual([]);
  });

  it('refuses an intact record whose contents do not add up, before allocating what it claims', async () => {
    const n = 4;
    const good = concat(encodeRecord(0, 0, packet(new Float64Array(n), [n], ramp(0, n), atRate(0, 100, n)), undefined));
    // Same record, claiming 2^31 samples: its x and t are formulas, so only y's length could tell. The CRC is made to hold.
    const claiming = Buffer.from(good);
    claiming.writeUInt32LE(2 ** 31, 8 + 4 + 8 + 8 + 4);
    claiming.writeUInt32LE(crc32(claiming.subarray(8)), 4);
    const path = join(dir, 'log');
    await writeFile(path, claiming);
    const read = async () => {
      for await (const logged of readLog(path)) void logged;
    };
    await expect(read()).rejects.toThrow(new LogFormatError(`a record claims 2147483648 samples in ${good.length - 8} bytes`));
    // One byte too many after y.
    const longer = Buffer.concat([good.subarray(8), Buffer.from([0])]);
    const prefix = Buffer.alloc(8);
    prefix.writeUInt32LE(longer.length, 0);
    prefix.writeUInt32LE(crc32(longer), 4);
    await writeFile(path, Buffer.concat([prefix, longer]));
    await expect(read()).rejects.toThrow(LogFormatError);
  });
});

describe('LogWriter', () => {
  const small = (seq: number) => encodeRecord(0, seq, packet(new Float64Array([seq]), [1], ramp(seq, 1), atRate(seq, 1, 1)), undefined);

  it('writes and fsyncs on the sync tick, not per record, and only then reports the records durable', async () => {
    const schedule = new ManualSchedule();
    const path = join(dir, 'log');
    const writer = await LogWriter.open<string>(path, schedule.repeat);
    expect(schedule.intervals()).toEqual([SYNC_MS]);
    for (let seq = 0; seq < 100; seq++) expect(writer.append(small(seq), 'a', seq)).toBe(true);
    // A hundred small records wait for the tick: nothing written yet, nothing durable.
    expect((await stat(path)).size).toBe(0);
    expect(writer.durable.get('a')).toBeUndefined();
    schedule.tick(SYNC_MS);
    await writer.sync();
    expect(writer.durable.get('a')).toBe(99);
    expect((await stat(path)).size).toBe(writer.bytes);
    const seqs: number[] = [];
    for await (const logged of readLog(path)) seqs.push(logged.meta.seq);
    expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // Ticks with nothing new to write still complete (each sync waits for the one write in flight, if any).
    for (let i = 0; i < 3; i++) {
      schedule.tick(SYNC_MS);
      await writer.sync();
    }
    await writer.close();
    expect(schedule.intervals()).toEqual([]);
  });

  it('writes a batch as soon as a batch is queued', async () => {
    const schedule = new ManualSchedule();
    const path = join(dir, 'log');
    const writer = await LogWriter.open<string>(path, schedule.repeat);
    const n = 2 ** 14;
    const big = encodeRecord(0, 0, packet(new Float64Array(n), [n], ramp(0, n), atRate(0, 1, n)), undefined);
    let seq = 0;
    while (writer.bytes < WRITE_BATCH_BYTES) writer.append(big, 'a', seq++);
    // No tick: closing waits for the batch write already started, then writes the rest.
    await writer.close();
    expect((await readFile(path)).length).toBe(writer.bytes);
    expect(writer.durable.get('a')).toBe(seq - 1);
  });

  it('refuses records beyond its queue bound and counts them lost', async () => {
    const schedule = new ManualSchedule();
    const record = small(0);
    const writer = await LogWriter.open<string>(join(dir, 'log'), schedule.repeat, 3 * record.bytes);
    const accepted = [0, 1, 2, 3, 4].map((seq) => writer.append(small(seq), 'a', seq));
    expect(accepted).toEqual([true, true, true, false, false]);
    expect(writer.lost).toBe(2);
    await writer.close();
    expect(writer.durable.get('a')).toBe(2);
  });
});
