import { describe, expect, it } from 'vitest';
import { SlidingWindow } from './slidingWindow.js';

describe('SlidingWindow', () => {
  it('keeps the last `capacity` values in order across many compactions', () => {
    const window = new SlidingWindow(3);
    for (let i = 0; i < 20; i++) window.push(i);
    expect([...window.view()]).toEqual([17, 18, 19]);
    expect(window.length).toBe(3);
  });

  it('grows until full', () => {
    const window = new SlidingWindow(4);
    window.push(1);
    window.push(2);
    expect([...window.view()]).toEqual([1, 2]);
  });

  it('clears', () => {
    const window = new SlidingWindow(2);
    window.push(1);
    window.clear();
    expect(window.length).toBe(0);
    window.push(5);
    expect([...window.view()]).toEqual([5]);
  });

  it('refuses a useless capacity', () => {
    expect(() => new SlidingWindow(0)).toThrow(RangeError);
  });
});
