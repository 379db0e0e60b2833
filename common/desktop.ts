/**
 * The contract between Electron's main process, its preload and the renderer. The window loads the
 * bundled UI from the privileged `app://npy-studio` scheme and talks to the embedded or a remote
 * server over HTTP; servers accept that origin by default (no web page can forge it).
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'npy-studio';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** IPC channel the preload invokes to learn which server to use. */
export const GET_CONFIG_CHANNEL = 'npy-studio:get-config';

export interface DesktopConfig {
  /** Base URL of the server the UI should use first. */
  serverUrl: string;
  /** `embedded` when the app started its own server, `remote` with `--remote URL`. */
  mode: 'embedded' | 'remote';
  version: string;
}

/** What the preload exposes as `window.npyStudio`; absent when the UI runs in a plain browser. */
export interface DesktopBridge {
  getConfig(): Promise<DesktopConfig>;
}
