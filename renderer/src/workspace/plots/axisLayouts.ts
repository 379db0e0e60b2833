/** Axes laid out again a frame for an x range that only moved, and how many pixels an axis may lag its lines. */
export const MOVED_AXES_PER_FRAME = 1;
export const MAX_AXIS_LAG_PX = 3;

/** A plot's axes in a frame: how many pixels they lag the x range its lines are drawn at (Infinity: they show something else), and whether that range moved since the last frame. */
export interface AxisLag {
  lag: number;
  moving: boolean;
}

/** What a frame does with a plot's axes: lay them out again now, leave them lagging for a later frame, or keep them (they show what the lines need). */
export type AxisLayout = 'now' | 'later' | 'keep';

/**
 * Which plots of a frame lay out their axes again. Axes that show something else, lag by more than
 * `MAX_AXIS_LAG_PX`, or lag a range that stopped moving (paused, no new data), now; of those whose
 * range only moved a pixel or more, the `MOVED_AXES_PER_FRAME` lagging most, now, and the others
 * later; under a pixel, keep.
 */
export function axisLayouts(plots: readonly AxisLag[]): AxisLayout[] {
  const layouts = plots.map(({ lag, moving }): AxisLayout => (lag < 1 ? 'keep' : lag > MAX_AXIS_LAG_PX || !moving ? 'now' : 'later'));
  const moved = plots.map((_, i) => i).filter((i) => layouts[i] === 'later');
  moved.sort((a, b) => plots[b]!.lag - plots[a]!.lag);
  for (const i of moved.slice(0, MOVED_AXES_PER_FRAME)) layouts[i] = 'now';
  return layouts;
}
