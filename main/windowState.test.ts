import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BrowserWindow } from 'electron';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_WINDOW_STATE,
  MIN_HEIGHT,
  MIN_WIDTH,
  fitToDisplays,
  loadWindowState,
  rememberWindowState,
  saveWindowState,
} from './windowState.js';

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'npy-window-state-'));
  file = join(dir, 'userData', 'window-state.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeRaw(text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

describe('window state file', () => {
  it('round-trips a saved state, creating the folder', () => {
    const state = { x: 40, y: 60, width: 1000, height: 700, maximized: true };
    saveWindowState(file, state);
    expect(loadWindowState(file)).toEqual(state);
    expect(readdirSync(join(dir, 'userData'))).toEqual(['window-state.json']);
  });

  it('uses the defaults when there is no file', () => {
    expect(loadWindowState(file)).toEqual(DEFAULT_WINDOW_STATE);
  });

  it.each([
    ['not JSON', '{"width": 9'],
    ['empty', ''],
    ['null', 'null'],
    ['an array', '[1, 2]'],
    ['a string', '"big"'],
  ])('ignores a corrupt file (%s)', (_case, text) => {
    writeRaw(text);
    expect(loadWindowState(file)).toEqual(DEFAULT_WINDOW_STATE);
  });

  it('clamps tiny and huge sizes and rounds fractions', () => {
    saveWindowState(file, { x: 10.4, y: 20.6, width: 3, height: 1, maximized: false });
    expect(loadWindowState(file)).toEqual({ x: 10, y: 21, width: MIN_WIDTH, height: MIN_HEIGHT, maximized: false });
    writeRaw(JSON.stringify({ width: 1e9, height: -5 }));
    expect(loadWindowState(file)).toEqual({ width: 16_384, height: MIN_HEIGHT, maximized: false });
  });

  it('drops fields of the wrong type', () => {
    writeRaw(JSON.stringify({ x: '10', y: 5, width: 'wide', height: null, maximized: 'yes' }));
    expect(loadWindowState(file)).toEqual(DEFAULT_WINDOW_STATE);
    writeRaw(JSON.stringify({ x: 1e12, y: 0, width: 900, height: 600 }));
    expect(loadWindowState(file)).toEqual({ width: 900, height: 600, maximized: false });
  });
});

describe('fitToDisplays', () => {
  const laptop = { x: 0, y: 0, width: 1920, height: 1080 };
  const rightMonitor = { x: 1920, y: 0, width: 2560, height: 1440 };

  it('keeps a position that is on a display', () => {
    const state = { x: 2000, y: 100, width: 1200, height: 800, maximized: false };
    expect(fitToDisplays(state, [laptop, rightMonitor])).toEqual(state);
  });

  it('forgets a position on a display that is gone', () => {
    const state = { x: 2000, y: 100, width: 1200, height: 800, maximized: true };
    expect(fitToDisplays(state, [laptop])).toEqual({ width: 1200, height: 800, maximized: true });
  });

  it('forgets a position that leaves only a sliver visible', () => {
    const state = { x: 1900, y: 100, width: 1200, height: 800, maximized: false };
    expect(fitToDisplays(state, [laptop])).toEqual({ width: 1200, height: 800, maximized: false });
  });

  it('leaves a state without a position alone', () => {
    expect(fitToDisplays(DEFAULT_WINDOW_STATE, [laptop])).toEqual(DEFAULT_WINDOW_STATE);
  });
});

describe('rememberWindowState', () => {
  it('saves the normal bounds and maximized flag when the window closes', () => {
    const window = Object.assign(new EventEmitter(), {
      getNormalBounds: () => ({ x: 5, y: 6, width: 1100, height: 750 }),
      isMaximized: () => true,
    });
    rememberWindowState(window as unknown as BrowserWindow, file);
    window.emit('close', { preventDefault() {} });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ x: 5, y: 6, width: 1100, height: 750, maximized: true });
    expect(loadWindowState(file)).toEqual({ x: 5, y: 6, width: 1100, height: 750, maximized: true });
  });
});
