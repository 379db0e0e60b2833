import { h, setReadout } from '../../app/dom.js';
import { PLAYBACK_SPEEDS } from './playbackClock.js';

/** What the timeline's controls ask for. */
export interface TimelineActions {
  togglePlay(): void;
  setSpeed(speed: number): void;
  /** A time of the recording (seconds, its own sample times). */
  seek(time: number): void;
  /** Back to the live data. */
  leave(): void;
}

/** What the timeline shows each frame. */
export interface TimelineState {
  time: number;
  playing: boolean;
  speed: number;
}

/**
 * The bar a recording's playback is driven from: play/pause, speed, a slider to scrub to any time,
 * the time played out of the whole, and the way back to live. Times are seconds from the recording's start.
 */
export class Timeline {
  readonly element: HTMLElement;
  private readonly playButton: HTMLButtonElement;
  private readonly speed: HTMLSelectElement;
  private readonly scrub: HTMLInputElement;
  private readonly name: HTMLElement;
  private readonly position: HTMLElement;
  private start = 0;
  private end = 0;
  private shown?: TimelineState;
  private dragging = false;

  constructor(actions: TimelineActions) {
    this.playButton = h('button', { type: 'button', class: 'toggle', 'data-testid': 'playback-play', title: 'Play or pause (Space)' });
    this.playButton.addEventListener('click', () => actions.togglePlay());
    this.speed = h(
      'select',
      { 'data-testid': 'playback-speed', 'aria-label': 'Playback speed' },
      ...PLAYBACK_SPEEDS.map((speed) => h('option', { value: String(speed) }, `${speed}×`)),
    );
    this.speed.addEventListener('change', () => actions.setSpeed(Number(this.speed.value)));
    this.scrub = h('input', {
      type: 'range',
      min: '0',
      step: 'any',
      class: 'playback-scrub',
      'data-testid': 'playback-scrub',
      'aria-label': 'Time in the recording',
    });
    // `input` fires while dragging: the workspace applies the newest position once per frame.
    this.scrub.addEventListener('input', () => actions.seek(this.start + Number(this.scrub.value)));
    this.scrub.addEventListener('pointerdown', () => (this.dragging = true));
    this.scrub.addEventListener('pointerup', () => (this.dragging = false));
    this.name = h('span', { class: 'playback-name', 'data-testid': 'playback-name' });
    this.position = h('span', { class: 'playback-time mono', 'data-testid': 'playback-time' });
    const leave = h(
      'button',
      { type: 'button', 'data-testid': 'playback-leave', title: 'Leave the recording and show live data again' },
      'Back to live',
    );
    leave.addEventListener('click', () => actions.leave());
    this.element = h(
      'div',
      { class: 'playback-bar', 'data-testid': 'playback-bar', hidden: '' },
      h('span', { class: 'badge' }, 'playback'),
      this.name,
      this.playButton,
      this.speed,
      this.scrub,
      this.position,
      leave,
    );
  }

  show(name: string, start: number, end: number): void {
    this.start = start;
    this.end = end;
    this.shown = undefined;
    this.name.textContent = name;
    this.name.title = name;
    this.scrub.max = String(end - start);
    this.element.hidden = false;
  }

  hide(): void {
    this.element.hidden = true;
  }

  update(state: TimelineState): void {
    const last = this.shown;
    if (last && last.time === state.time && last.playing === state.playing && last.speed === state.speed) return;
    this.shown = state;
    const elapsed = state.time - this.start;
    // Not while the user drags it: the slider is theirs until they let go.
    if (!this.dragging) this.scrub.value = String(elapsed);
    setReadout(this.position, `${elapsed.toFixed(3)} / ${(this.end - this.start).toFixed(3)} s`, elapsed);
    this.playButton.textContent = state.playing ? '❚❚ Pause' : '▶ Play';
    this.playButton.setAttribute('aria-pressed', String(state.playing));
    this.speed.value = String(state.speed);
  }
}
