import { EventEmitter } from 'node:events';
import type { App, IpcMain, IpcMainInvokeEvent, Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { type DesktopConfig, GET_CONFIG_CHANNEL } from '../common/desktop.js';
import {
  denyAllPermissions,
  handleConfigRequests,
  hardenAllWebContents,
  hardenWebContents,
  isTrustedSender,
  isWebUrl,
  secureWebPreferences,
} from './security.js';

type WindowOpenHandler = (details: { url: string }) => { action: string };

/** Just enough of a WebContents: real events, and the window-open handler kept for inspection. */
class FakeWebContents extends EventEmitter {
  windowOpenHandler?: WindowOpenHandler;
  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }
}

function navigation(url: string) {
  return { url, preventDefault: vi.fn() };
}

function hardened() {
  const contents = new FakeWebContents();
  const openExternal = vi.fn(() => Promise.resolve());
  hardenWebContents(contents as unknown as WebContents, openExternal);
  return { contents, openExternal };
}

describe('secureWebPreferences', () => {
  it('isolates, sandboxes and strips Node from the renderer', () => {
    expect(secureWebPreferences('/app/dist/main/preload.cjs')).toEqual({
      preload: '/app/dist/main/preload.cjs',
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
    });
  });
});

describe('hardenWebContents', () => {
  it.each(['will-navigate', 'will-frame-navigate', 'will-redirect'])(
    '%s: blocks every destination outside app://npy-studio',
    (eventName) => {
      const { contents } = hardened();
      for (const url of [
        'https://example.org/',
        'http://127.0.0.1:8000/',
        'file:///etc/passwd',
        'app://other/',
        'javascript:alert(1)',
        'data:text/html,hi',
      ]) {
        const event = navigation(url);
        contents.emit(eventName, event);
        expect(event.preventDefault, `${eventName} ${url}`).toHaveBeenCalledOnce();
      }
    },
  );

  it.each(['will-navigate', 'will-frame-navigate', 'will-redirect'])('%s: lets the app move within its own pages', (eventName) => {
    const { contents } = hardened();
    const event = navigation('app://npy-studio/index.html?view=arrays');
    contents.emit(eventName, event);
    expect(event.preventDefault).not.toHaveBeenCalled();
  });

  it('refuses to attach webviews', () => {
    const { contents } = hardened();
    const event = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', event, {}, {});
    expect(event.preventDefault).toHaveBeenCalledOnce();
  });

  it('denies every new window, handing only http(s) links to the system browser', () => {
    const { contents, openExternal } = hardened();
    const handler = contents.windowOpenHandler!;
    for (const url of ['https://numpy.org/doc/', 'http://192.168.1.20:8000/']) {
      expect(handler({ url })).toEqual({ action: 'deny' });
    }
    for (const url of [
      'file:///etc/passwd',
      'app://npy-studio/index.html',
      'smb://host/share',
      'javascript:alert(1)',
      'about:blank',
      'garbage',
    ]) {
      expect(handler({ url })).toEqual({ action: 'deny' });
    }
    expect(openExternal.mock.calls).toEqual([['https://numpy.org/doc/'], ['http://192.168.1.20:8000/']]);
  });

  it('survives a failing openExternal', async () => {
    const contents = new FakeWebContents();
    hardenWebContents(contents as unknown as WebContents, () => Promise.reject(new Error('no browser')));
    expect(contents.windowOpenHandler!({ url: 'https://numpy.org/' })).toEqual({ action: 'deny' });
    await new Promise((resolve) => setImmediate(resolve));
  });
});

describe('isWebUrl', () => {
  it('is true for http and https only', () => {
    expect(isWebUrl('https://x.org')).toBe(true);
    expect(isWebUrl('http://x.org')).toBe(true);
    expect(isWebUrl('ftp://x.org')).toBe(false);
    expect(isWebUrl('mailto:a@b.c')).toBe(false);
    expect(isWebUrl('')).toBe(false);
  });
});

describe('hardenAllWebContents', () => {
  it('hardens each webContents the app creates', () => {
    const app = new EventEmitter();
    hardenAllWebContents(app as unknown as App, () => Promise.resolve());
    const contents = new FakeWebContents();
    app.emit('web-contents-created', {}, contents);
    expect(contents.windowOpenHandler).toBeTypeOf('function');
    const event = navigation('https://evil.example/');
    contents.emit('will-navigate', event);
    expect(event.preventDefault).toHaveBeenCalledOnce();
  });
});

describe('denyAllPermissions', () => {
  it('denies permission requests, checks and devices', () => {
    const session = { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn(), setDevicePermissionHandler: vi.fn() };
    denyAllPermissions(session as unknown as Session);

    const request = session.setPermissionRequestHandler.mock.calls[0]![0] as (
      c: unknown,
      p: string,
      callback: (granted: boolean) => void,
    ) => void;
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) {
      const callback = vi.fn();
      request({}, permission, callback);
      expect(callback, permission).toHaveBeenCalledExactlyOnceWith(false);
    }
    const check = session.setPermissionCheckHandler.mock.calls[0]![0] as (c: unknown, p: string, origin: string) => boolean;
    expect(check(null, 'media', 'app://npy-studio')).toBe(false);
    expect(check(null, 'clipboard-sanitized-write', 'app://npy-studio')).toBe(false);
    const device = session.setDevicePermissionHandler.mock.calls[0]![0] as (details: unknown) => boolean;
    expect(device({ deviceType: 'usb', origin: 'app://npy-studio' })).toBe(false);
  });
});

describe('IPC', () => {
  const config: DesktopConfig = { serverUrl: 'http://127.0.0.1:8000', mode: 'embedded', version: '0.1.0' };
  const sentFrom = (url: string | null) => ({ senderFrame: url === null ? null : { url } }) as unknown as IpcMainInvokeEvent;

  it('trusts only frames showing app://npy-studio', () => {
    expect(isTrustedSender(sentFrom('app://npy-studio/index.html'))).toBe(true);
    expect(isTrustedSender(sentFrom('app://npy-studio/'))).toBe(true);
    expect(isTrustedSender(sentFrom('https://evil.example/'))).toBe(false);
    expect(isTrustedSender(sentFrom('http://127.0.0.1:8000/'))).toBe(false);
    expect(isTrustedSender(sentFrom('app://evil/'))).toBe(false);
    expect(isTrustedSender(sentFrom('file:///index.html'))).toBe(false);
    expect(isTrustedSender(sentFrom(null))).toBe(false);
  });

  it('answers get-config for the app and refuses other senders', async () => {
    const handlers = new Map<string, (event: IpcMainInvokeEvent) => unknown>();
    const ipcMain = { handle: (channel: string, handler: (event: IpcMainInvokeEvent) => unknown) => handlers.set(channel, handler) };
    let current = config;
    handleConfigRequests(ipcMain as unknown as IpcMain, () => current);

    const handler = handlers.get(GET_CONFIG_CHANNEL)!;
    expect(handler(sentFrom('app://npy-studio/index.html'))).toEqual(config);
    current = { ...config, serverUrl: 'http://127.0.0.1:8001' };
    expect(handler(sentFrom('app://npy-studio/index.html'))).toEqual(current);
    expect(() => handler(sentFrom('https://evil.example/'))).toThrow(`${GET_CONFIG_CHANNEL} refused for https://evil.example/`);
    expect(() => handler(sentFrom(null))).toThrow('refused for a closed frame');
  });
});
