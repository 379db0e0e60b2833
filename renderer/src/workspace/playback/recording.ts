import { unzipSync } from 'fflate';
import { type NpyArray, decodeNpy } from '../../../../common/npy/codec.js';
import { toTypedArray } from '../../../../common/npy/typed.js';
import { parseSegmentKey } from '../../../../common/recordingKeys.js';
import { errorText } from '../../data/errorText.js';
import { asNumbers } from '../../data/numeric.js';
import { lowerBound } from '../channelStore.js';
import type { SamplePacket } from '../samplePacket.js';

/**
 * One segment of one recorded channel (`{channel}/…`, or `{channel}@1/…` after the producer changed dtype or
 * series count): N samples of k series, each with its time, index and packet seq, cut back into its packets.
 */
export interface RecordedSegment {
  /** The channel as panels name it: the key without its `@segment`. */
  readonly channel: string;
  /** The `.npz` key prefix: `channel`, `channel@1`, … */
  readonly key: string;
  readonly t: Float64Array;
  readonly index: Float64Array;
  /** k rows of N values. */
  readonly values: readonly Float64Array[];
  /** Whether the packets were (k, n) rather than (n,). */
  readonly twoD: boolean;
  /** Each packet's seq. */
  readonly seqs: readonly number[];
  /** The sample each packet starts at, and N last: packet p is samples [starts[p], starts[p + 1]). */
  readonly starts: Float64Array;
  /** Each packet's last sample time: the packet has arrived once the playback reaches it. */
  readonly arrivals: Float64Array;
}

export interface Recording {
  /** In order: a channel's segments follow each other. */
  readonly segments: readonly RecordedSegment[];
  /** The first and last sample times over all channels (seconds). */
  readonly start: number;
  readonly end: number;
}

/** A recording that cannot be played: not a zip of `.npy`, or a channel's arrays missing or not matching. */
export class RecordingFormatError extends Error {
  override name = 'RecordingFormatError';
}

/** A recording's `.npz` (GET /recordings/{id}?format=npz) read for playback. */
export function readRecordingNpz(bytes: Uint8Array): Recording {
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes);
  } catch (error) {
    throw new RecordingFormatError(`not a readable .npz: ${errorText(error)}`);
  }
  const arrays = new Map<string, NpyArray>();
  for (const [name, data] of Object.entries(members)) {
    if (name.endsWith('.npy')) arrays.set(name.slice(0, -'.npy'.length), decodeNpy(data));
  }
  return recordingFromArrays(arrays);
}

/** A recording from its arrays by key (`{channel}/y`, `/x`, `/t`, `/seq`, per segment). */
export function recordingFromArrays(arrays: ReadonlyMap<string, NpyArray>): Recording {
  const segments: RecordedSegment[] = [];
  for (const name of arrays.keys()) {
    if (name.endsWith('/y')) segments.push(segmentOf(name.slice(0, -'/y'.length), arrays));
  }
  if (segments.length === 0) throw new RecordingFormatError('the recording holds no channel (no "{channel}/y" array)');
  segments.sort((a, b) => a.channel.localeCompare(b.channel) || parseSegmentKey(a.key).segment - parseSegmentKey(b.key).segment);
  let start = Infinity;
  let end = -Infinity;
  for (const { t } of segments) {
    if (!t.length) continue;
    start = Math.min(start, t[0]!);
    end = Math.max(end, t[t.length - 1]!);
  }
  if (!(end >= start)) start = end = 0;
  return { segments, start, end };
}

function segmentOf(key: string, arrays: ReadonlyMap<string, NpyArray>): RecordedSegment {
  const column = (part: string): Float64Array => {
    const array = arrays.get(`${key}/${part}`);
    if (!array) throw new RecordingFormatError(`"${key}/y" has no "${key}/${part}"`);
    const values = asNumbers(toTypedArray(array));
    return values instanceof Float64Array ? values : Float64Array.from(values);
  };
  const y = arrays.get(`${key}/y`)!;
  const shape = y.header.shape;
  if (shape.length < 1 || shape.length > 2)
    throw new RecordingFormatError(`"${key}/y" has shape (${shape.join(', ')}): (N,) or (k, N) expected`);
  const t = column('t');
  const index = column('x');
  const seq = column('seq');
  const n = shape.at(-1)!;
  if (t.length !== n || index.length !== n || seq.length !== n) {
    throw new RecordingFormatError(`"${key}": y has ${n} samples, t ${t.length}, x ${index.length}, seq ${seq.length}`);
  }
  const flat = asNumbers(toTypedArray(y));
  const k = shape.length === 2 ? shape[0]! : 1;
  const values = Array.from({ length: k }, (_, s) => Float64Array.from(flat.subarray(s * n, (s + 1) * n)));
  const starts: number[] = [];
  const seqs: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0 && seq[i] === seq[i - 1]) continue;
    starts.push(i);
    seqs.push(seq[i]!);
  }
  starts.push(n);
  const arrivals = Float64Array.from(seqs, (_, p) => t[starts[p + 1]! - 1]!);
  return {
    channel: parseSegmentKey(key).channel,
    key,
    t,
    index,
    values,
    twoD: shape.length === 2,
    seqs,
    starts: Float64Array.from(starts),
    arrivals,
  };
}

/** How many of a segment's packets had arrived by `time`. */
export function packetsArrivedBy(segment: RecordedSegment, time: number): number {
  // Times may repeat (a burst): every packet arriving at `time` counts.
  return lowerBound(segment.arrivals, time + Number.EPSILON * Math.abs(time));
}

/** Packet `p` of a segment as the workspace's store takes it. */
export function packetOf(segment: RecordedSegment, p: number): SamplePacket {
  const from = segment.starts[p]!;
  const to = segment.starts[p + 1]!;
  const n = to - from;
  const series = segment.values.length;
  const y = new Float64Array(series * n);
  segment.values.forEach((row, s) => y.set(row.subarray(from, to), s * n));
  return {
    channel: segment.channel,
    seq: segment.seqs[p]!,
    t: segment.t.subarray(from, to),
    index: segment.index.subarray(from, to),
    y,
    series,
    n,
    shape: segment.twoD ? [series, n] : [n],
  };
}
