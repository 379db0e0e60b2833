import type { NpyClient } from '../../../../client/index.js';
import type { PlaybackStats } from '../../app/workspaceStats.js';
import { errorText } from '../../data/errorText.js';
import type { ChannelStore } from '../channelStore.js';
import type { TimeAxis } from '../timeAxis.js';
import { PlaybackClock } from './playbackClock.js';
import { readRecordingNpz } from './recording.js';
import { RecordingPlayer } from './recordingPlayer.js';
import { Timeline } from './timeline.js';

/** What a playback needs from the workspace it plays in. */
export interface PlaybackHost {
  readonly store: ChannelStore;
  readonly axis: TimeAxis;
  client(): NpyClient;
  /** Live subscriptions stop while a recording plays (they would feed the same store), and start again after. */
  setLive(live: boolean): void;
  /** Draw on the next animation frame. */
  request(): void;
  note(text: string): void;
  /** A recording opened: its channels and their series counts (to show them when no panel does). */
  opened(channels: ReadonlyMap<string, number>): void;
}

interface Session {
  id: string;
  name: string;
  clock: PlaybackClock;
  player: RecordingPlayer;
}

/**
 * A recording played in the workspace's own panels: downloaded once as `.npz`, then fed into the
 * workspace's store up to the timeline's time on every animation frame, with the time axis on the
 * recording's times. Leaving hands the store back to the live feeds.
 */
export class PlaybackController {
  readonly timeline: Timeline;
  private session?: Session;
  private opening = 0;

  constructor(private readonly host: PlaybackHost) {
    this.timeline = new Timeline({
      togglePlay: () => this.toggle(),
      setSpeed: (speed) => {
        this.session?.clock.setSpeed(speed);
        this.host.request();
      },
      seek: (time) => {
        this.session?.clock.seek(time);
        this.host.request();
      },
      leave: () => this.leave(),
    });
  }

  get active(): boolean {
    return this.session !== undefined;
  }

  /** The time the store shows, while a recording plays. */
  get time(): number | undefined {
    return this.session?.player.time;
  }

  /**
   * Downloads a finished recording and shows it paused at its end: every panel as it was when the
   * recording stopped. Play starts it from the beginning; the slider goes anywhere.
   */
  async open(id: string): Promise<void> {
    const opening = ++this.opening;
    this.host.note(`Loading recording ${id}…`);
    try {
      const client = this.host.client();
      const [info, bytes] = await Promise.all([
        client.getRecording(id),
        client.downloadRecording(id, (progress) => {
          if (opening === this.opening && progress.total) {
            this.host.note(`Loading recording ${id}… ${Math.round((100 * progress.loaded) / progress.total)}%`);
          }
        }),
      ]);
      const recording = readRecordingNpz(bytes);
      if (opening !== this.opening) return;
      this.host.setLive(false);
      const { axis } = this.host;
      const clock = new PlaybackClock(recording.start, recording.end);
      this.session = { id, name: info.name, clock, player: new RecordingPlayer(recording, this.host.store, info.series) };
      axis.setPaused(false);
      axis.update({ zero: recording.start });
      axis.followLatest();
      const channels = new Map<string, number>();
      for (const segment of recording.segments)
        channels.set(segment.channel, Math.max(channels.get(segment.channel) ?? 0, segment.values.length));
      this.host.opened(channels);
      this.timeline.show(info.name, recording.start, recording.end);
      this.host.note('');
      clock.seek(recording.end);
      this.host.request();
    } catch (error) {
      if (opening === this.opening) this.host.note(`Recording ${id}: ${errorText(error)}`);
    }
  }

  leave(): void {
    if (!this.session) return;
    this.session = undefined;
    this.opening++;
    this.timeline.hide();
    this.host.store.clear();
    this.host.axis.update({ zero: undefined });
    this.host.axis.followLatest();
    this.host.setLive(true);
  }

  toggle(): void {
    this.session?.clock.toggle();
    this.host.request();
  }

  /** Once per animation frame: the store shows the recording up to the timeline's time. Returns whether that time moved. */
  frame(): boolean {
    const session = this.session;
    if (!session) return false;
    const { clock, player } = session;
    const time = clock.time();
    const moved = time !== player.time;
    player.showAt(time);
    this.timeline.update({ time, playing: clock.playing, speed: clock.speed });
    if (clock.playing) this.host.request();
    return moved;
  }

  stats(): PlaybackStats | undefined {
    const session = this.session;
    if (!session) return undefined;
    const { clock } = session;
    return {
      recording: session.id,
      name: session.name,
      start: clock.start,
      end: clock.end,
      time: session.player.time,
      playing: clock.playing,
      speed: clock.speed,
    };
  }
}
