/**
 * Replays a recording into live channels `<prefix><channel>`: each packet is published when its first sample's
 * recorded time comes round again, shifted to now and scaled by `speed` (per channel, from that channel's first sample).
 */
import type { ReplayInfo } from '../../common/protocol.js';
import type { Logger } from '../logger.js';
import { newGroupId } from '../store/groups.js';
import type { Channel } from '../stream/channel.js';
import { NotFoundError, StateError } from '../stream/errors.js';
import type { StreamHub } from '../stream/hub.js';
import { checkChannelName } from '../stream/hub.js';
import { toPacket } from '../stream/ingest.js';
import { readLog } from './packetLog.js';
import type { RecordingManager } from './recordings.js';

export interface StartReplay {
  recording: string;
  channel_prefix: string;
  speed: number;
  loop: boolean;
}

const MAX_TIMING_SAMPLES = 100_000;

class Replay {
  state: ReplayInfo['state'] = 'playing';
  /** How late each packet was published, in ms, for the bench. */
  readonly lateness: number[] = [];
  private timer?: ReturnType<typeof setTimeout>;
  private wake?: () => void;

  constructor(
    readonly info: Omit<ReplayInfo, 'state'>,
    private readonly channels: Channel[],
    private readonly hub: StreamHub,
    private readonly logPath: string,
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
      this.release();
    }
  }

  stop(): void {
    if (this.state !== 'playing') return;
    this.state = 'stopped';
    clearTimeout(this.timer);
    this.wake?.();
  }

  private async playOnce(): Promise<void> {
    const start = performance.now();
    const startUnix = Date.now() / 1000;
    const firstTime = new Map<number, number>();
    for await (const record of readLog(this.logPath)) {
      if (this.state !== 'playing') return;
      const channelIndex = record.meta.c;
      const t0 = firstTime.get(channelIndex) ?? record.t[0]!;
      firstTime.set(channelIndex, t0);
      const offset = (record.t[0]! - t0) / this.info.speed;
      const due = start + offset * 1000;
      await this.waitUntil(due);
      if (this.state !== 'playing') return;
      this.lateness.push(performance.now() - due);
      if (this.lateness.length > MAX_TIMING_SAMPLES) this.lateness.shift();
      const channel = this.channels[channelIndex]!;
      const t = record.t.map((time) => startUnix + (time - t0) / this.info.speed);
      channel.publish(toPacket(channel, { y: record.y, x: record.x, t, timestamp: t[0] }));
    }
  }

  /** Waits for `due` (ms, performance.now); a packet already due, or due within half a millisecond, goes at once so lateness never accumulates. */
  private waitUntil(due: number): Promise<void> {
    const delay = due - performance.now();
    if (delay <= 0.5) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, delay);
    });
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
    private readonly logger: Logger,
  ) {}

  start(request: StartReplay): ReplayInfo {
    const recording = this.recordings.get(request.recording);
    if (recording.state !== 'finished') throw new StateError(`recording ${recording.id} is still recording; stop it before replaying`);
    const { path, channels } = this.recordings.logPath(recording.id);
    const names = channels.map((name) => checkChannelName(`${request.channel_prefix}${name}`.slice(0, 64)));
    const id = `replay-${newGroupId('rec').slice(4)}`;
    const replay = new Replay(
      {
        id,
        recording: recording.id,
        channels: Object.fromEntries(channels.map((name, i) => [name, names[i]!])),
        speed: request.speed,
        loop: request.loop,
        started: new Date().toISOString(),
      },
      names.map((name) => this.hub.channel(name)),
      this.hub,
      path,
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

  /** Publish lateness in ms of each packet so far (for the bench). */
  lateness(id: string): readonly number[] {
    return this.require(id).lateness;
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
