/** The main window's size and position, remembered across launches in a small JSON file. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BrowserWindow, Rectangle } from 'electron';

export interface WindowState {
  /** Absent: let the OS place the window. */
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const MIN_WIDTH = 640;
export const MIN_HEIGHT = 400;
const MAX_SIZE = 16_384;
export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 800, maximized: false };
/** How much of the window must lie on some display for its saved position to be kept. */
const MIN_VISIBLE = 64;

/** The saved state, cleaned up; the defaults when the file is missing or unreadable. */
export function loadWindowState(file: string): WindowState {
  let saved: unknown;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
  if (typeof saved !== 'object' || saved === null) return { ...DEFAULT_WINDOW_STATE };
  const { x, y, width, height, maximized } = saved as Record<string, unknown>;
  const state: WindowState = {
    width: clampSize(width, DEFAULT_WINDOW_STATE.width, MIN_WIDTH),
    height: clampSize(height, DEFAULT_WINDOW_STATE.height, MIN_HEIGHT),
    maximized: maximized === true,
  };
  if (isCoordinate(x) && isCoordinate(y)) Object.assign(state, { x: Math.round(x), y: Math.round(y) });
  return state;
}

export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state)}\n`);
  renameSync(temp, file);
}

/** Forgets the saved position when the window would land (almost) off every display, e.g. one since unplugged. */
export function fitToDisplays(state: WindowState, workAreas: readonly Rectangle[]): WindowState {
  if (state.x === undefined || state.y === undefined) return state;
  const window = { x: state.x, y: state.y, width: state.width, height: state.height };
  if (workAreas.some((area) => overlap(window, area) >= MIN_VISIBLE)) return state;
  const { x: _x, y: _y, ...placedByOs } = state;
  return placedByOs;
}

/** Saves the window's normal (unmaximized) bounds when it closes. */
export function rememberWindowState(window: BrowserWindow, file: string): void {
  window.on('close', () => {
    const { x, y, width, height } = window.getNormalBounds();
    try {
      saveWindowState(file, { x, y, width, height, maximized: window.isMaximized() });
    } catch (err) {
      console.warn(`warning: could not save the window state to ${file}: ${(err as Error).message}`);
    }
  });
}

function clampSize(value: unknown, fallback: number, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.round(Math.min(Math.max(value, min), MAX_SIZE));
}

function isCoordinate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= 10 * MAX_SIZE;
}

/** The smaller side of the intersection of two rectangles (0 when they do not meet). */
function overlap(a: Rectangle, b: Rectangle): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return Math.max(0, Math.min(width, height));
}
