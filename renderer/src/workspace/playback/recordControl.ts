import type { RecordingInfo } from '../../../../common/protocol.js';
import { h, setReadout } from '../../app/dom.js';
import type { ServerConnection } from '../../app/serverConnection.js';
import { errorText } from '../../data/errorText.js';
import { formatBytes, formatTimestamp } from '../../data/format.js';

/** How often a running recording's elapsed time and size are read from the server (it has no push for them). */
const POLL_MS = 500;

export interface RecordControlOptions {
  /** The channels on screen: what Record records. */
  channels(): string[];
  /** The recording finished (Stop, or a limit it reached); its arrays are stored. */
  finished(info: RecordingInfo): void;
  failed(message: string): void;
}

/** `m:ss` of seconds. */
export function formatElapsed(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/**
 * The workspace's Record button: records the channels on screen through the recording API and shows
 * the elapsed time and size the server reports while it runs; Stop stores it as arrays (grouped in Arrays).
 */
export class RecordControl {
  readonly element: HTMLElement;
  private readonly button: HTMLButtonElement;
  private readonly readout: HTMLElement;
  private recording?: RecordingInfo;
  private poll?: ReturnType<typeof setTimeout>;
  private busy = false;
  private enabled = false;

  constructor(
    private readonly server: ServerConnection,
    private readonly options: RecordControlOptions,
  ) {
    this.button = h('button', { type: 'button', class: 'record', 'data-testid': 'workspace-record' });
    this.button.addEventListener('click', () => void (this.recording ? this.stop() : this.start()));
    this.readout = h('span', { class: 'record-status mono', 'data-testid': 'workspace-record-status', hidden: '' });
    this.element = h('span', { class: 'record-control' }, this.button, this.readout);
    this.render();
  }

  get active(): boolean {
    return this.recording !== undefined;
  }

  /** Record needs channels on screen (and is off during a playback). */
  setEnabled(enabled: boolean): void {
    if (enabled === this.enabled) return;
    this.enabled = enabled;
    this.render();
  }

  private async start(): Promise<void> {
    const channels = this.options.channels();
    if (!channels.length || this.busy) return;
    this.busy = true;
    this.render();
    try {
      // Named in the user's local time, as the app shows every time.
      const name = `workspace ${formatTimestamp(new Date().toISOString())}`;
      this.recording = await this.server.client.startRecording({ channels, name });
      this.schedulePoll();
    } catch (error) {
      this.options.failed(`Record: ${errorText(error)}`);
    } finally {
      this.busy = false;
      this.render();
    }
  }

  private async stop(): Promise<void> {
    const recording = this.recording;
    if (!recording || this.busy) return;
    this.busy = true;
    this.render();
    clearTimeout(this.poll);
    try {
      this.finish(await this.server.client.stopRecording(recording.id));
    } catch (error) {
      this.options.failed(`Stop recording: ${errorText(error)}`);
      this.schedulePoll();
    } finally {
      this.busy = false;
      this.render();
    }
  }

  private schedulePoll(): void {
    clearTimeout(this.poll);
    this.poll = setTimeout(() => void this.refresh(), POLL_MS);
  }

  private async refresh(): Promise<void> {
    const recording = this.recording;
    if (!recording) return;
    try {
      const info = await this.server.client.getRecording(recording.id);
      if (this.recording?.id !== info.id) return;
      if (info.state === 'finished') {
        this.finish(info);
        return;
      }
      this.recording = info;
      this.render();
    } catch (error) {
      this.options.failed(`Recording ${recording.id}: ${errorText(error)}`);
    }
    if (this.recording) this.schedulePoll();
  }

  private finish(info: RecordingInfo): void {
    this.recording = undefined;
    this.render();
    this.options.finished(info);
  }

  private render(): void {
    const recording = this.recording;
    this.button.textContent = recording ? '■ Stop' : '● Record';
    this.button.title = recording
      ? `Stop recording ${recording.channels.join(', ')}; its arrays appear in Arrays`
      : 'Record the channels on screen (stored as arrays, grouped, in Arrays)';
    this.button.setAttribute('aria-pressed', String(recording !== undefined));
    // Stop stays possible whatever is on screen.
    this.button.disabled = this.busy || (!recording && !this.enabled);
    this.readout.hidden = !recording;
    if (recording) {
      setReadout(this.readout, `${formatElapsed(recording.duration)} · ${formatBytes(recording.bytes)}`, recording.bytes);
      this.readout.dataset.duration = String(recording.duration);
      this.readout.dataset.id = recording.id;
    }
  }
}
