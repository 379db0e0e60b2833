import { byTestId, setReadout } from '../app/dom.js';
import type { ConnectionState } from '../../../client/index.js';
import { formatCount } from '../data/format.js';

export interface LiveStatusState {
  connection: ConnectionState;
  /** Reconnection attempts since the connection was last open. */
  attempt: number;
  /** The source's state from its last status message; null before one arrives. */
  streaming: boolean | null;
  paused: boolean;
  packets: number;
  packetsPerSecond: number;
  pointsPerSecond: number;
  lost: number;
  dropped: number;
  pointsShown: number;
  error: string;
}

const CONNECTION_TEXT: Record<ConnectionState, string> = { connecting: 'connecting…', open: 'connected', closed: 'disconnected' };

/** The status line under the live charts. */
export class LiveStatus {
  private readonly readouts: Record<string, HTMLElement>;

  constructor(root: HTMLElement) {
    const ids = ['connection', 'streaming', 'paused', 'packets', 'packet-rate', 'point-rate', 'lost', 'dropped', 'points-shown', 'error'];
    this.readouts = Object.fromEntries(ids.map((id) => [id, byTestId(`status-${id}`, root)]));
  }

  render(state: LiveStatusState): void {
    const r = this.readouts;
    const retrying = state.connection !== 'open' && state.attempt > 0;
    setReadout(
      r.connection!,
      retrying ? `${CONNECTION_TEXT[state.connection]} (retry ${state.attempt})` : CONNECTION_TEXT[state.connection],
      state.connection,
    );
    r.connection!.dataset.attempt = String(state.attempt);
    setReadout(
      r.streaming!,
      state.streaming === null ? 'source: unknown' : state.streaming ? 'source: streaming' : 'source: idle',
      String(state.streaming),
    );
    r.paused!.hidden = !state.paused;
    setReadout(r.packets!, formatCount(state.packets), state.packets);
    setReadout(r['packet-rate']!, formatCount(Math.round(state.packetsPerSecond)), state.packetsPerSecond);
    setReadout(r['point-rate']!, formatCount(Math.round(state.pointsPerSecond)), state.pointsPerSecond);
    setReadout(r.lost!, formatCount(state.lost), state.lost);
    r.lost!.classList.toggle('warn', state.lost > 0);
    setReadout(r.dropped!, formatCount(state.dropped), state.dropped);
    r.dropped!.classList.toggle('warn', state.dropped > 0);
    setReadout(r['points-shown']!, formatCount(state.pointsShown), state.pointsShown);
    r.error!.textContent = state.error;
    r.error!.hidden = !state.error;
  }
}
