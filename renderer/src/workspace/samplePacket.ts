import type { StreamData } from '../../../client/index.js';
import { asNumbers } from '../data/numeric.js';

/** The wire contract's additions to a data packet; optional until every server sends them. */
interface WireExtras {
  t?: Float64Array;
  names?: string[];
  units?: string[];
  history?: boolean;
}

/** A packet as the workspace keeps it: k series of n samples, each sample with its time and index. */
export interface SamplePacket {
  channel: string;
  seq: number;
  /** Seconds (Unix time) of each sample. */
  t: Float64Array;
  /** The server's running sample index (or the producer's x) of each sample. */
  index: Float64Array;
  /** k rows of n values, C order. */
  y: Float64Array;
  series: number;
  n: number;
  /** The packet's own shape: `[n]` or `[k, n]`. */
  shape: readonly number[];
  names?: string[];
  units?: string[];
}

/**
 * Sample times for a packet without `t` (a server older than the wire contract): its n samples
 * spread evenly over the interval since the previous packet's last sample, ending at `timestamp`,
 * as the contract's server does; the first packet's samples all get `timestamp`.
 */
export function spreadSampleTimes(previousEnd: number | undefined, timestamp: number, n: number): Float64Array {
  const times = new Float64Array(n).fill(timestamp);
  if (previousEnd === undefined || !(timestamp > previousEnd)) return times;
  const step = (timestamp - previousEnd) / n;
  for (let i = 0; i < n; i++) times[i] = previousEnd + step * (i + 1);
  return times;
}

/** A client packet as a SamplePacket, with sample times from the server or spread as the contract says. */
export function toSamplePacket(data: StreamData, previousEnd: number | undefined): SamplePacket {
  const extras = data as StreamData & WireExtras;
  const series = data.shape.length === 2 ? data.shape[0]! : 1;
  const n = Math.min(data.x.length, data.shape.length === 2 ? data.shape[1]! : data.y.length);
  const t = extras.t && extras.t.length >= n ? extras.t : spreadSampleTimes(previousEnd, data.timestamp, n);
  const values = asNumbers(data.y);
  return {
    channel: data.channel,
    seq: data.seq,
    t,
    index: data.x,
    y: values instanceof Float64Array ? values : Float64Array.from(values),
    series,
    n,
    shape: data.shape,
    names: extras.names,
    units: extras.units,
  };
}
