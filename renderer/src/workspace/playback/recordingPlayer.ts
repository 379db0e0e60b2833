import type { RecordingInfo } from '../../../../common/protocol.js';
import { recordedLabelsFor } from '../../../../common/recordedSeries.js';
import { type ChannelStore, lowerBound } from '../channelStore.js';
import type { SamplePacket } from '../samplePacket.js';
import { type Recording, type RecordedSegment, packetOf, packetsArrivedBy } from './recording.js';

/**
 * Feeds the workspace's one store from a recording so that it holds what a live subscriber would have held
 * at a time of the recording: every packet that had arrived by then. Moving forward appends the packets
 * since; moving back (or so far forward that the store would drop what it appended) starts the store
 * afresh with the newest packets it can keep.
 */
export class RecordingPlayer {
  /** Packets of each segment in the store. */
  private fed: number[];
  private shown = -Infinity;

  constructor(
    readonly recording: Recording,
    private readonly store: ChannelStore,
    /** Per channel, the series names and units recorded with it. */
    private readonly series: RecordingInfo['series'] = {},
  ) {
    this.fed = recording.segments.map(() => 0);
    store.clear();
  }

  /** The time the store shows. */
  get time(): number {
    return this.shown;
  }

  /** Makes the store hold the recording as it was at `time`. Returns whether the store changed. */
  showAt(time: number): boolean {
    if (time === this.shown) return false;
    this.shown = time;
    const { segments } = this.recording;
    const targets = segments.map((segment) => packetsArrivedBy(segment, time));
    const kept = this.samplesKept();
    const afresh = segments.some(
      (segment, i) => targets[i]! < this.fed[i]! || segment.starts[targets[i]!]! - segment.starts[this.fed[i]!]! > kept,
    );
    if (afresh) {
      this.store.clear();
      this.fed = segments.map((segment, i) => firstKept(segment, targets[i]!, kept));
    }
    let changed = afresh;
    segments.forEach((segment, i) => {
      for (let p = this.fed[i]!; p < targets[i]!; p++) this.store.append(this.labelled(segment, packetOf(segment, p)));
      changed ||= targets[i]! > this.fed[i]!;
      this.fed[i] = targets[i]!;
    });
    return changed;
  }

  /** The packet with its channel's recorded names and units, where they fit its series count (a segment may have another). */
  private labelled(segment: RecordedSegment, packet: SamplePacket): SamplePacket {
    return { ...packet, ...recordedLabelsFor(this.series[segment.channel], segment.values.length) };
  }

  /** Samples per series the store keeps once every recorded channel is in it (its budget shared among their series). */
  private samplesKept(): number {
    const series = new Map<string, number>();
    for (const segment of this.recording.segments) {
      series.set(segment.channel, Math.max(series.get(segment.channel) ?? 0, segment.values.length));
    }
    const total = [...series.values()].reduce((sum, k) => sum + k, 0);
    return Math.max(1, Math.floor(this.store.pointBudget / Math.max(1, total)));
  }
}

/** The first packet worth feeding so that the store ends with packets [.., end) and keeps them all: whole packets within `kept` samples. */
function firstKept(segment: RecordedSegment, end: number, kept: number): number {
  return Math.min(end, lowerBound(segment.starts.subarray(0, end + 1), segment.starts[end]! - kept));
}
