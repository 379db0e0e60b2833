/** Electron hardening: webPreferences, navigation, new windows, permissions and IPC sender checks. */
import type { App, IpcMain, IpcMainInvokeEvent, Session, WebContents, WebPreferences } from 'electron';
import { type DesktopConfig, GET_CONFIG_CHANNEL } from '../common/desktop.js';
import { isAppUrl } from './appProtocol.js';

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
  };
}

export type OpenExternal = (url: string) => Promise<void>;

/** Only plain web links may leave the app, and only to the system browser. */
export function isWebUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** Keeps `contents` on app://npy-studio: no foreign navigation, no webviews, no new windows. */
export function hardenWebContents(contents: WebContents, openExternal: OpenExternal): void {
  const stayInApp = (event: { url: string; preventDefault(): void }) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', stayInApp);
  // will-navigate covers the main frame only.
  contents.on('will-frame-navigate', stayInApp);
  contents.on('will-redirect', stayInApp);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isWebUrl(url)) openExternal(url).catch(() => undefined);
    return { action: 'deny' };
  });
}

/** Hardens every webContents the app ever creates, windows and anything they spawn. */
export function hardenAllWebContents(app: App, openExternal: OpenExternal): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, openExternal));
}

/** The UI needs no camera, notifications, clipboard reads, devices or anything else. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

/** IPC is answered only for frames showing our own UI. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): boolean {
  const frame = event.senderFrame;
  return frame !== null && isAppUrl(frame.url);
}

/** Answers with the config current at the time of asking: a restarted embedded server may have moved. */
export function handleConfigRequests(ipcMain: IpcMain, currentConfig: () => DesktopConfig): void {
  ipcMain.handle(GET_CONFIG_CHANNEL, (event) => {
    if (!isTrustedSender(event)) throw new Error(`${GET_CONFIG_CHANNEL} refused for ${event.senderFrame?.url ?? 'a closed frame'}`);
    return currentConfig();
  });
}
