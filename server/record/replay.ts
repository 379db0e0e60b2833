/**
 * Replays a finished recording into live channels `<prefix><channel>`, reading its stored arrays: each packet is
 * published when its first sample's recorded time comes round again, shifted to now and scaled by `speed` (per channel,
 * from that channel's first sample). Channels are merged in due-time order. Due times are fixed on the monotonic clock
 * when the replay starts, so a late packet never delays the ones after it.
 */
import type { ReplayInfo } from '../../common/protocol.js';
import { recordedLabelsFor } from '../../common/recordedSeries.js';
import type { Logger } from '../logger.js';
import type { Now } from '../schedule.js';
import { monotonicNow, wallClockOrigin } from '../schedule.js';
import type { ArrayStore } from '../store/arrayStore.js';
import { newGroupId } from '../store/groups.js';
import type { Channel } from '../stream/channel.js';
import { NotFoundError } from '../stream/errors.js';
import type { StreamHub } from '../stream/hub.js';
import { checkChannelName } from '../stream/hub.js';
import { toPacket } from '../stream/ingest.js';
import type { RecordingManager, SeriesMeta } from './recordings.js';
import { StoredChannel, type StoredPacket } from './storedPackets.js';

export interface StartReplay {
  recording: string;
  channel_prefix: string;
  speed: number;
  loop: boolean;
}

/** Waits until `due` (ms on the monotonic clock), or less if `wake` is called; injectable so tests run without waiting. */
export type WaitUntil = (due: number, now: Now) => { done: Promise<void>; wake: () => void };

/**
 * Node's timers count whole milliseconds, so a timer fires up to about a millisecond either side of a fractional
 * delay; a packet due within half a millisecond therefore goes at once, which keeps the error within about ±1 ms.
 */
export const waitWithTimer: WaitUntil = (due, now) => {
  const delay = due - now();
  if (delay <= 0.5) return { done: Promise.resolve(), wake: () => {} };
  let wake = () => {};
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, delay);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  return { done, wake };
};

interface Clock {
  readonly now: Now;
  /** Wall-clock ms at the monotonic clock's zero, to turn due times into sample times. */
  readonly origin: () => number;
  readonly waitUntil: WaitUntil;
}

class Replay {
  state: ReplayInfo['state'] = 'playing';
  private wake = () => {};
  private readers: StoredChannel[] = [];

  constructor(
    readonly info: Omit<ReplayInfo, 'state'>,
    private readonly channels: Channel[],
    /** Per channel, the series names and units recorded with it. */
    private readonly recordedSeries: (SeriesMeta | undefined)[],
    private readonly hub: StreamHub,
    private readonly openChannels: () => StoredChannel[],
    private readonly clock: Clock,
  ) {
    for (const channel of channels) channel.publishers++;
    hub.changed();
  }

  async run(): Promise<void> {
    try {
      do await this.playOnce();
      while (this.info.loop && this.state === 'playing');
    } finally {
      if (this.state === 'playing') this.state = 'finished';
      await Promise.all(this.readers.map((reader) => reader.close()));
      this.release();
    }
  }

  stop(): void {
    if (this.state !== 'playing') return;
    this.state = 'stopped';
    this.wake();
  }

  private async playOnce(): Promise<void> {
    this.readers = this.openChannels();
    // The first packets are read (files opened, first blocks in memory) before the clock starts, or they would be late.
    const heads: (StoredPacket | undefined)[] = await Promise.all(this.readers.map((reader) => reader.read()));
    // Taken before the clock starts: finding the origin waits for the wall clock to tick over (up to a few ms).
    const origin = this.clock.origin();
    const start = this.clock.now();
    const startUnix = (origin + start) / 1000;
    const firstTime = heads.map((packet) => packet?.t[0]);
    const dueOf = (i: number) => start + ((heads[i]!.t[0]! - firstTime[i]!) / this.info.speed) * 1000;
    for (;;) {
      let next = -1;
      for (let i = 0; i < heads.length; i++) if (heads[i] && (next < 0 || dueOf(i) < dueOf(next))) next = i;
      if (next < 0 || this.state !== 'playing') return;
      const { done, wake } = this.clock.waitUntil(dueOf(next), this.clock.now);
      this.wake = wake;
      await done;
      if (this.state !== 'playing') return;
      const { x, y, t: recorded } = heads[next]!;
      const t0 = firstTime[next]!;
      const t = recorded.map((time) => startUnix + (time - t0) / this.info.speed);
      const channel = this.channels[next]!;
      const series = y.header.shape.length === 2 ? y.header.shape[0]! : 1;
      const labels = recordedLabelsFor(this.recordedSeries[next], series);
      channel.publish(toPacket(channel, { y, x, t, timestamp: t[0], ...labels }));
      heads[next] = await this.readers[next]!.read();
    }
  }

  private release(): void {
    for (const channel of this.channels) {
      if (--channel.publishers === 0) channel.broadcast({ type: 'status', streaming: false, channel: channel.name });
      this.hub.release(channel);
    }
    this.hub.changed();
  }

  describe(): ReplayInfo {
    return { ...this.info, state: this.state };
  }
}

export class ReplayManager {
  private readonly replays = new Map<string, Replay>();

  constructor(
    private readonly hub: StreamHub,
    private readonly recordings: RecordingManager,
    private readonly store: ArrayStore,
    private readonly logger: Logger,
    private readonly clock: Clock = { now: monotonicNow, origin: wallClockOrigin, waitUntil: waitWithTimer },
  ) {}

  start(request: StartReplay): ReplayInfo {
    const recording = this.recordings.arrays(request.recording);
    const path = (index: number) => this.store.npyFile(index);
    const open = () => recording.channels.map((name) => StoredChannel.of(recording, name, path));
    open(); // refuses at once a recording whose arrays were deleted
    const names = recording.channels.map((name) => checkChannelName(`${request.channel_prefix}${name}`.slice(0, 64)));
    const id = `replay-${newGroupId('rec').slice(4)}`;
    const replay = new Replay(
      {
        id,
        recording: request.recording,
        channels: Object.fromEntries(recording.channels.map((name, i) => [name, names[i]!])),
        speed: request.speed,
        loop: request.loop,
        started: new Date().toISOString(),
      },
      names.map((name) => this.hub.channel(name)),
      recording.channels.map((name) => recording.series[name]),
      this.hub,
      open,
      this.clock,
    );
    this.replays.set(id, replay);
    replay.run().catch((err: Error) => this.logger.error(`replay ${id} failed: ${err.message}`));
    return replay.describe();
  }

  stop(id: string): ReplayInfo {
    const replay = this.require(id);
    replay.stop();
    return replay.describe();
  }

  get(id: string): ReplayInfo {
    return this.require(id).describe();
  }

  list(): ReplayInfo[] {
    return [...this.replays.values()].map((replay) => replay.describe());
  }

  close(): void {
    for (const replay of this.replays.values()) replay.stop();
  }

  private require(id: string): Replay {
    const replay = this.replays.get(id);
    if (!replay) throw new NotFoundError(`no replay ${JSON.stringify(id)}`);
    return replay;
  }
}
