import { describe, expect, it } from 'vitest';
import { PlaybackClock } from './playbackClock.js';

/** A clock the test steps by hand (milliseconds). */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let ms = 5_000;
  return { now: () => ms, advance: (step) => (ms += step) };
}

describe('PlaybackClock', () => {
  it('starts paused at the start and moves with the wall clock while playing', () => {
    const wall = manualClock();
    const clock = new PlaybackClock(100, 110, wall.now);
    expect(clock.time()).toBe(100);
    wall.advance(1_000);
    expect(clock.time()).toBe(100);
    clock.play();
    wall.advance(2_500);
    expect(clock.playing).toBe(true);
    expect(clock.time()).toBeCloseTo(102.5, 9);
  });

  it('pauses where it is and resumes from there', () => {
    const wall = manualClock();
    const clock = new PlaybackClock(0, 60, wall.now);
    clock.play();
    wall.advance(3_000);
    clock.toggle();
    expect(clock.playing).toBe(false);
    wall.advance(10_000);
    expect(clock.time()).toBeCloseTo(3, 9);
    clock.toggle();
    wall.advance(1_000);
    expect(clock.time()).toBeCloseTo(4, 9);
  });

  it('plays at the chosen speed from the moment it is chosen', () => {
    const wall = manualClock();
    const clock = new PlaybackClock(0, 60, wall.now);
    clock.play();
    wall.advance(1_000);
    clock.setSpeed(4);
    wall.advance(1_000);
    expect(clock.time()).toBeCloseTo(5, 9);
    clock.setSpeed(0.25);
    wall.advance(2_000);
    expect(clock.time()).toBeCloseTo(5.5, 9);
    expect(clock.speed).toBe(0.25);
    expect(() => clock.setSpeed(0)).toThrow(RangeError);
    expect(() => clock.setSpeed(Number.NaN)).toThrow(RangeError);
  });

  it('scrubs to any time, clamped to the recording, paused or playing', () => {
    const wall = manualClock();
    const clock = new PlaybackClock(10, 20, wall.now);
    clock.seek(17.25);
    expect(clock.time()).toBe(17.25);
    clock.seek(-5);
    expect(clock.time()).toBe(10);
    clock.seek(99);
    expect(clock.time()).toBe(20);
    clock.seek(Number.NaN);
    expect(clock.time()).toBe(20);
    clock.seek(12);
    clock.play();
    wall.advance(500);
    clock.seek(15);
    wall.advance(1_000);
    expect(clock.time()).toBeCloseTo(16, 9);
  });

  it('stops at the end, and plays again from the start', () => {
    const wall = manualClock();
    const clock = new PlaybackClock(0, 2, wall.now);
    clock.setSpeed(2);
    clock.play();
    wall.advance(5_000);
    expect(clock.time()).toBe(2);
    expect(clock.playing).toBe(false);
    clock.play();
    expect(clock.time()).toBe(0);
    wall.advance(500);
    expect(clock.time()).toBeCloseTo(1, 9);
  });

  it('refuses an end before the start; a recording of one instant never plays', () => {
    expect(() => new PlaybackClock(5, 4)).toThrow(RangeError);
    const clock = new PlaybackClock(7, 7);
    clock.play();
    expect(clock.playing).toBe(false);
    expect(clock.time()).toBe(7);
  });
});
