import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { typedArrayToNpy } from '../../../../common/npy/typed.js';
import { runPython } from '../../../../test/helpers/python.js';
import { ChannelStore } from '../channelStore.js';
import { RecordingFormatError, packetOf, packetsArrivedBy, readRecordingNpz } from './recording.js';
import { RecordingPlayer } from './recordingPlayer.js';

/**
 * A recording's .npz as the server writes it, by NumPy: "imu" int16 (3, N) in Fortran order, 4 packets of 5 samples
 * at 100 Hz from t = 1000; "wave" float32 (N,), 3 packets of 4 samples, then a segment "wave@1" of 2 series.
 */
const WRITE_RECORDING = `
import io, sys, numpy as np
n, packets = 5, 4
t = 1000 + np.arange(n * packets) / 100
imu_y = np.asfortranarray(np.stack([np.arange(n * packets) * (s + 1) for s in range(3)]).astype(np.int16))
wave_t = 1000.005 + np.arange(12) * 0.05
wave2_t = wave_t[-1] + 0.05 + np.arange(6) * 0.05
arrays = {
  'imu/y': imu_y, 'imu/x': np.arange(n * packets, dtype=np.float64), 'imu/t': t, 'imu/seq': np.repeat(np.arange(packets), n).astype(np.int64),
  'wave/y': np.linspace(-1, 1, 12).astype(np.float32), 'wave/x': np.arange(12.0), 'wave/t': wave_t, 'wave/seq': np.repeat(np.arange(3), 4).astype(np.int64),
  'wave@1/y': np.arange(12.0).reshape(2, 6), 'wave@1/x': 12 + np.arange(6.0), 'wave@1/t': wave2_t, 'wave@1/seq': np.array([3, 3, 3, 4, 4, 4], np.int64),
}
buffer = io.BytesIO()
np.savez(buffer, **arrays)
sys.stdout.write(buffer.getvalue().hex())
`;

async function numpyRecording(): Promise<Uint8Array> {
  return Uint8Array.from(Buffer.from((await runPython(WRITE_RECORDING)).trim(), 'hex'));
}

describe('a recording .npz as the store packets it had', () => {
  it('reads every channel and segment, in the producer dtype, cut back into its packets', async () => {
    const recording = readRecordingNpz(await numpyRecording());
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

  it('feeds the store up to the playback time: forward appends, back starts afresh, segments in order', async () => {
    const recording = readRecordingNpz(await numpyRecording());
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

  it('a jump further than the store keeps feeds only the newest whole packets it can keep', async () => {
    const recording = readRecordingNpz(await numpyRecording());
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

  it('says what is wrong with a file that is not a recording', () => {
    expect(() => readRecordingNpz(strToU8('sample,value\n1,2\n'))).toThrow(RecordingFormatError);
    const npy = (values: Float64Array) => typedArrayToNpy(values);
    const noChannel = zipSync({ 'other.npy': npy(Float64Array.of(1)) });
    expect(() => readRecordingNpz(noChannel)).toThrow(/no channel/);
    const noT = zipSync({ 'a/y.npy': npy(Float64Array.of(1, 2)), 'a/x.npy': npy(Float64Array.of(0, 1)), 'a/seq.npy': npy(Float64Array.of(0, 0)) });
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
