import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { encodeNpy } from '../../../../common/npy/codec.js';
import { dtypeFromName } from '../../../../common/npy/dtype.js';
import { typedArrayToNpy } from '../../../../common/npy/typed.js';
import { ChannelStore } from '../channelStore.js';
import { RecordingFormatError, packetOf, packetsArrivedBy, readRecordingNpz } from './recording.js';
import { RecordingPlayer } from './recordingPlayer.js';

const range = (n: number, f: (i: number) => number = (i) => i) => Float64Array.from({ length: n }, (_, i) => f(i));
const seqs = (packets: number, n: number, first = 0) =>
  BigInt64Array.from({ length: packets * n }, (_, i) => BigInt(first + Math.floor(i / n)));

/**
 * A recording's .npz laid out as the server writes it (np.savez's keys and layout): "imu" int16 (3, N) in Fortran order,
 * 4 packets of 5 samples at 100 Hz from t = 1000; "wave" float32 (N,), 3 packets of 4 samples every 0.05 s, then a
 * segment "wave@1" of 2 series (float64), 2 packets of 3.
 */
function recordingNpz(): Uint8Array {
  const n = 5;
  const packets = 4;
  // Fortran order: the 3 series of sample 0, then of sample 1, …; series s is sample × (s + 1).
  const imuY = Int16Array.from({ length: 3 * n * packets }, (_, i) => Math.floor(i / 3) * ((i % 3) + 1));
  const waveT = range(12, (i) => 1000.005 + i * 0.05);
  const wave2T = range(6, (i) => waveT[11]! + 0.05 + i * 0.05);
  return zipSync({
    'imu/y.npy': encodeNpy({
      dtype: dtypeFromName('int16'),
      shape: [3, n * packets],
      fortranOrder: true,
      data: new Uint8Array(imuY.buffer),
    }),
    'imu/x.npy': typedArrayToNpy(range(n * packets)),
    'imu/t.npy': typedArrayToNpy(range(n * packets, (i) => 1000 + i / 100)),
    'imu/seq.npy': typedArrayToNpy(seqs(packets, n)),
    'wave/y.npy': typedArrayToNpy(Float32Array.from(range(12, (i) => -1 + (2 * i) / 11))),
    'wave/x.npy': typedArrayToNpy(range(12)),
    'wave/t.npy': typedArrayToNpy(waveT),
    'wave/seq.npy': typedArrayToNpy(seqs(3, 4)),
    'wave@1/y.npy': typedArrayToNpy(range(12), [2, 6]),
    'wave@1/x.npy': typedArrayToNpy(range(6, (i) => 12 + i)),
    'wave@1/t.npy': typedArrayToNpy(wave2T),
    'wave@1/seq.npy': typedArrayToNpy(seqs(2, 3, 3)),
  });
}

describe('a recording .npz as the store packets it had', () => {
  it('reads every channel and segment, in the producer dtype, cut back into its packets', () => {
    const recording = readRecordingNpz(recordingNpz());
    expect(recording.segments.map((s) => [s.key, s.channel, s.values.length, s.twoD, s.seqs])).toEqual([
      ['imu', 'imu', 3, true, [0, 1, 2, 3]],
      ['wave', 'wave', 1, false, [0, 1, 2]],
      ['wave@1', 'wave', 2, true, [3, 4]],
    ]);
    expect(recording.start).toBe(1000);
    expect(recording.end).toBeCloseTo(1000.005 + 11 * 0.05 + 0.05 + 5 * 0.05, 9);
    const imu = recording.segments[0]!;
    // Fortran-ordered (3, N) int16: row s is sample × (s + 1).
    expect(Array.from(imu.values[2]!.subarray(0, 4))).toEqual([0, 3, 6, 9]);
    const second = packetOf(imu, 1);
    expect(second).toMatchObject({ channel: 'imu', seq: 1, series: 3, n: 5, shape: [3, 5] });
    expect(Array.from(second.y)).toEqual([5, 6, 7, 8, 9, 10, 12, 14, 16, 18, 15, 18, 21, 24, 27]);
    expect(Array.from(second.index)).toEqual([5, 6, 7, 8, 9]);
    expect(second.t[0]).toBeCloseTo(1000.05, 9);
    const wave = packetOf(recording.segments[1]!, 2);
    expect(wave.shape).toEqual([4]);
    expect(wave.y[3]).toBe(1);
    // A packet arrives with its last sample.
    expect(packetsArrivedBy(imu, 1000.039)).toBe(0);
    expect(packetsArrivedBy(imu, imu.t[4]!)).toBe(1);
    expect(packetsArrivedBy(imu, 2000)).toBe(4);
  });

  it('feeds the store up to the playback time: forward appends, back starts afresh, segments in order', () => {
    const recording = readRecordingNpz(recordingNpz());
    const store = new ChannelStore(1_000_000);
    const resets: number[] = [];
    store.addEventListener('reset', () => resets.push(store.version));
    const player = new RecordingPlayer(recording, store);
    expect(player.showAt(999)).toBe(false);
    expect(store.all()).toEqual([]);

    expect(player.showAt(1000.1)).toBe(true);
    expect(store.get('imu')!.length).toBe(10);
    expect(store.get('imu')!.lastSeq).toBe(1);
    expect(store.get('wave')).toBeUndefined();
    const resetsBefore = resets.length;
    player.showAt(1000.199);
    expect(store.get('imu')!.length).toBe(20);
    expect(store.get('wave')!.length).toBe(4);
    expect(resets.length).toBe(resetsBefore);

    // The end: wave's second segment (2 series) replaced its first in the store, as a live channel's would.
    player.showAt(recording.end);
    const wave = store.get('wave')!;
    expect([wave.seriesCount, wave.length, wave.lastSeq]).toEqual([2, 6, 4]);
    expect(Array.from(wave.values[1]!.view())).toEqual([6, 7, 8, 9, 10, 11]);

    // Back in time: the store holds exactly what it held then.
    player.showAt(1000.199);
    expect(resets.length).toBe(resetsBefore + 1);
    expect(Array.from(store.get('imu')!.values[0]!.view())).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect([store.get('wave')!.seriesCount, store.get('wave')!.length]).toEqual([1, 4]);
    expect(player.showAt(1000.199)).toBe(false);
  });

  it('a jump further than the store keeps feeds only the newest whole packets it can keep', () => {
    const recording = readRecordingNpz(recordingNpz());
    // 3 + 2 series at most: 40 points leave 8 samples per series, so imu gets only its last packet of 5.
    const store = new ChannelStore(40);
    const appended: number[] = [];
    store.addEventListener('packet', (event) => {
      const detail = (event as CustomEvent<{ channel: string; seq: number }>).detail;
      if (detail.channel === 'imu') appended.push(detail.seq);
    });
    new RecordingPlayer(recording, store).showAt(2000);
    expect(appended).toEqual([3]);
    expect(store.get('imu')!.lastSeq).toBe(3);
  });

  it('labels the series with the names and units recorded with each channel, where they fit the segment', () => {
    const store = new ChannelStore(1_000_000);
    const player = new RecordingPlayer(readRecordingNpz(recordingNpz()), store, {
      imu: { names: ['ax', 'ay', 'az'], units: ['g', 'g', 'g'] },
      wave: { names: ['left', 'right'], units: null },
    });
    player.showAt(1000.199);
    const imu = store.get('imu')!;
    expect([0, 1, 2].map((s) => `${imu.seriesName(s)} [${imu.seriesUnit(s)}]`)).toEqual(['ax [g]', 'ay [g]', 'az [g]']);
    // wave's first segment has 1 series: names recorded for its later 2 do not fit it.
    expect(store.get('wave')!.seriesName(0)).toBe('y');
    player.showAt(2000);
    expect([0, 1].map((s) => store.get('wave')!.seriesName(s))).toEqual(['left', 'right']);
  });

  it('says what is wrong with a file that is not a recording', () => {
    expect(() => readRecordingNpz(strToU8('sample,value\n1,2\n'))).toThrow(RecordingFormatError);
    const npy = (values: Float64Array) => typedArrayToNpy(values);
    const noChannel = zipSync({ 'other.npy': npy(Float64Array.of(1)) });
    expect(() => readRecordingNpz(noChannel)).toThrow(/no channel/);
    const noT = zipSync({
      'a/y.npy': npy(Float64Array.of(1, 2)),
      'a/x.npy': npy(Float64Array.of(0, 1)),
      'a/seq.npy': npy(Float64Array.of(0, 0)),
    });
    expect(() => readRecordingNpz(noT)).toThrow('"a/y" has no "a/t"');
    const short = zipSync({
      'a/y.npy': npy(Float64Array.of(1, 2)),
      'a/x.npy': npy(Float64Array.of(0, 1)),
      'a/t.npy': npy(Float64Array.of(0)),
      'a/seq.npy': npy(Float64Array.of(0, 0)),
    });
    expect(() => readRecordingNpz(short)).toThrow('y has 2 samples, t 1');
  });
});
