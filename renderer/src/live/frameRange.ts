import type { LiveFrame } from './liveBuffer.js';

/** What the live charts' x axis shows: the point's position in the stream, or the x the source sent. */
export type XAxisMode = 'sample' | 'x';

export function xAccessor(frame: LiveFrame, mode: XAxisMode): (i: number) => number {
  const { x, firstSample } = frame;
  return mode === 'sample' ? (i) => firstSample + i : (i) => x[i]!;
}

/** Indices [from, to) of the frame's points inside an x range (all of them without one). */
export function visibleIndices(frame: LiveFrame, mode: XAxisMode, range?: { min: number; max: number }): { from: number; to: number } {
  const length = frame.x.length;
  if (!range) return { from: 0, to: length };
  if (mode === 'sample') {
    const from = Math.min(length, Math.max(0, Math.ceil(range.min - frame.firstSample)));
    const to = Math.max(from, Math.min(length, Math.floor(range.max - frame.firstSample) + 1));
    return { from, to };
  }
  let from = 0;
  while (from < length && !(frame.x[from]! >= range.min)) from++;
  let to = length;
  while (to > from && !(frame.x[to - 1]! <= range.max)) to--;
  return { from, to };
}
