import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserWindow, BrowserWindowConstructorOptions, Display } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../server/logger.js';
import { secureWebPreferences } from './security.js';
import { START_PAGE, createMainWindow, windowTitle } from './window.js';
import { saveWindowState } from './windowState.js';
import { HANG_MS } from '../test/helpers/wait.js';

class FakeWindow extends EventEmitter {
  static last?: FakeWindow;
  static loadResult = () => Promise.resolve();
  loadURL = vi.fn((_url: string) => FakeWindow.loadResult());
  show = vi.fn();
  maximize = vi.fn();
  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    FakeWindow.last = this;
  }
}

const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] as Display[] };
let dir: string;
let stateFile: string;

function open(title = 'NPY Studio — http://127.0.0.1:8000') {
  createMainWindow(
    { BrowserWindow: FakeWindow as unknown as typeof BrowserWindow, screen, logger: silentLogger },
    { title, preloadPath: '/app/dist/main/preload.cjs', stateFile },
  );
  return FakeWindow.last!;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'npy-window-'));
  stateFile = join(dir, 'window-state.json');
  FakeWindow.loadResult = () => Promise.resolve();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('windowTitle', () => {
  it('names the server and why its port differs from the one asked for', () => {
    expect(windowTitle('http://127.0.0.1:8001', 'port 8000 was busy')).toBe('NPY Studio — http://127.0.0.1:8001 (port 8000 was busy)');
    expect(windowTitle('https://npy.example.org')).toBe('NPY Studio — https://npy.example.org');
  });
});

describe('createMainWindow', () => {
  it('creates a hardened window with the preload and loads only the bundled UI', () => {
    const window = open();
    expect(window.options.webPreferences).toEqual(secureWebPreferences('/app/dist/main/preload.cjs'));
    expect(window.options.title).toBe('NPY Studio — http://127.0.0.1:8000');
    expect(window.loadURL.mock.calls).toEqual([[START_PAGE]]);
    expect(START_PAGE).toBe('app://npy-studio/index.html');
  });

  it('keeps its own title over the page <title>', () => {
    const window = open();
    const event = { preventDefault: vi.fn() };
    window.emit('page-title-updated', event, 'Page title');
    expect(event.preventDefault).toHaveBeenCalledOnce();
  });

  it('shows once ready', () => {
    const window = open();
    expect(window.show).not.toHaveBeenCalled();
    window.emit('ready-to-show');
    expect(window.show).toHaveBeenCalledOnce();
  });

  it('still shows the window when the UI fails to load', async () => {
    FakeWindow.loadResult = () => Promise.reject(new Error('ERR_FILE_NOT_FOUND'));
    const window = open();
    await vi.waitFor(() => expect(window.show).toHaveBeenCalledOnce(), { timeout: HANG_MS });
  });

  it('restores the remembered bounds and maximized state', () => {
    saveWindowState(stateFile, { x: 100, y: 50, width: 1000, height: 700, maximized: true });
    const window = open();
    expect(window.options).toMatchObject({ x: 100, y: 50, width: 1000, height: 700, minWidth: 640, minHeight: 400, show: false });
    expect(window.maximize).toHaveBeenCalledOnce();
  });

  it('lets the OS place the window the first time', () => {
    const window = open();
    expect(window.options).toMatchObject({ x: undefined, y: undefined, width: 1280, height: 800 });
    expect(window.maximize).not.toHaveBeenCalled();
  });
});
