import { describe, expect, it } from 'vitest';
import { seriesColour, withAlpha } from './theme.js';

describe('theme', () => {
  it('cycles series colours', () => {
    expect(seriesColour(10)).toBe(seriesColour(0));
    expect(seriesColour(1)).not.toBe(seriesColour(0));
  });

  it('adds alpha to a hex colour', () => {
    expect(withAlpha('#4da3ff', 0.25)).toBe('rgba(77, 163, 255, 0.25)');
  });
});
