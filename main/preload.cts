/** Sandboxed preload (so CommonJS, and it can only require 'electron'): exposes `window.npyStudio`. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a sandboxed preload is CommonJS and may only require 'electron'
import electron = require('electron');
import type { DesktopBridge, DesktopConfig, GET_CONFIG_CHANNEL } from '../common/desktop.js';

// Repeated rather than imported (a sandboxed preload cannot load our modules); the type keeps it in sync.
const channel: typeof GET_CONFIG_CHANNEL = 'npy-studio:get-config';

const bridge: DesktopBridge = {
  getConfig: () => electron.ipcRenderer.invoke(channel) as Promise<DesktopConfig>,
};

electron.contextBridge.exposeInMainWorld('npyStudio', bridge);
