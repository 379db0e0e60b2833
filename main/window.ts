import type { BrowserWindow, Screen } from 'electron';
import { APP_ORIGIN } from '../common/desktop.js';
import type { Logger } from '../server/logger.js';
import { secureWebPreferences } from './security.js';
import { MIN_HEIGHT, MIN_WIDTH, fitToDisplays, loadWindowState, rememberWindowState } from './windowState.js';

export const PRODUCT_NAME = 'NPY Studio';
export const START_PAGE = `${APP_ORIGIN}/index.html`;

/** "NPY Studio — http://127.0.0.1:8001 (port 8000 was busy)" */
export function windowTitle(serverUrl: string, portNote?: string): string {
  return `${PRODUCT_NAME} — ${serverUrl}${portNote ? ` (${portNote})` : ''}`;
}

export interface WindowDeps {
  BrowserWindow: typeof BrowserWindow;
  screen: Pick<Screen, 'getAllDisplays'>;
  logger: Logger;
}

export interface WindowSettings {
  title: string;
  preloadPath: string;
  /** Where the window's size and position are remembered. */
  stateFile: string;
}

export function createMainWindow(
  { BrowserWindow, screen, logger }: WindowDeps,
  { title, preloadPath, stateFile }: WindowSettings,
): BrowserWindow {
  const state = fitToDisplays(
    loadWindowState(stateFile),
    screen.getAllDisplays().map((display) => display.workArea),
  );
  const window = new BrowserWindow({
    x: state.x,
    y: state.y,
    width: state.width,
    height: state.height,
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    title,
    show: false,
    webPreferences: secureWebPreferences(preloadPath),
  });
  if (state.maximized) window.maximize();
  rememberWindowState(window, stateFile);
  // The title shows which server the UI uses; the page's <title> must not replace it.
  window.on('page-title-updated', (event) => event.preventDefault());
  window.once('ready-to-show', () => window.show());
  window.loadURL(START_PAGE).catch((err: Error) => {
    logger.error(`could not load ${START_PAGE}: ${err.message}`);
    window.show();
  });
  return window;
}
