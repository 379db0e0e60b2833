import { describe, expect, it } from 'vitest';
import { MAX_AXIS_LAG_PX, axisLayouts } from './axisLayouts.js';

describe('axisLayouts (which plots of a frame lay out their axes again)', () => {
  it('keeps axes that lag their lines by under a pixel', () => {
    expect(
      axisLayouts([
        { lag: 0, moving: true },
        { lag: 0.9, moving: false },
      ]),
    ).toEqual(['keep', 'keep']);
  });

  it('lays out axes that show something else, or lag by more than the limit, whatever else does', () => {
    const layouts = axisLayouts([
      { lag: Infinity, moving: true },
      { lag: MAX_AXIS_LAG_PX + 0.1, moving: true },
      { lag: MAX_AXIS_LAG_PX + 0.2, moving: true },
    ]);
    expect(layouts).toEqual(['now', 'now', 'now']);
  });

  it('of axes whose range only moved, lays out the one lagging most now and leaves the others for later', () => {
    const layouts = axisLayouts([
      { lag: 1.2, moving: true },
      { lag: 2.5, moving: true },
      { lag: 1, moving: true },
      { lag: 0.5, moving: true },
    ]);
    expect(layouts).toEqual(['later', 'now', 'later', 'keep']);
  });

  it('lays out at once axes whose range stopped moving (paused, no new data): no later frame may come', () => {
    expect(
      axisLayouts([
        { lag: 1.5, moving: false },
        { lag: 2, moving: true },
        { lag: 1.1, moving: false },
      ]),
    ).toEqual(['now', 'now', 'now']);
  });

  it('never leaves an axis lagging past the limit: one lagging a pixel more each frame is laid out by the time it passes it', () => {
    // Two plots whose ranges move a pixel a frame: each frame lays out the one lagging most.
    const lags = [0, 0];
    for (let frame = 0; frame < 20; frame++) {
      for (let p = 0; p < lags.length; p++) lags[p]! += 1;
      const layouts = axisLayouts(lags.map((lag) => ({ lag, moving: true })));
      layouts.forEach((layout, p) => {
        if (layout === 'now') lags[p] = 0;
      });
      expect(Math.max(...lags)).toBeLessThanOrEqual(MAX_AXIS_LAG_PX);
    }
  });
});
