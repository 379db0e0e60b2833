/** main.ts wired to a fake `electron` module: the real server, options, protocol and security code run. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, type Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DesktopConfig, GET_CONFIG_CHANNEL } from '../common/desktop.js';
import { CONTENT_SECURITY_POLICY } from '../common/contentSecurityPolicy.js';
import { APP_SCHEME_PRIVILEGES } from './appProtocol.js';
import { secureWebPreferences } from './security.js';
import { HANG_MS } from '../test/helpers/wait.js';
import type * as SupervisorModule from './serverSupervisor.js';

const { makeFakeElectron } = vi.hoisted(() => ({
  makeFakeElectron: async () => {
    const { EventEmitter } = await import('node:events');
    const { forkServerEntry } = await import('../test/helpers/serverProcess.js');
    /** Electron's UtilityProcess played by a Node child running the same entry: the same messages cross. */
    class UtilityProcess extends EventEmitter {
      static instances: UtilityProcess[] = [];
      readonly child;
      output = '';
      constructor(readonly modulePath: string) {
        super();
        UtilityProcess.instances.push(this);
        this.child = forkServerEntry(modulePath);
        this.child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
        this.child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
        this.child.on('message', (message) => this.emit('message', message));
        this.child.once('exit', (code, signal) => this.emit('exit', code ?? (signal === 'SIGKILL' ? 9 : 15)));
      }
      get pid() {
        return this.child.pid;
      }
      postMessage(message: unknown) {
        this.child.send(message as object);
      }
      kill() {
        return this.child.kill();
      }
      exited(): Promise<void> {
        if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
        return new Promise((resolve) => this.child.once('exit', () => resolve()));
      }
    }
    class BrowserWindow extends EventEmitter {
      static instances: BrowserWindow[] = [];
      loadURL = vi.fn(() => Promise.resolve());
      setTitle = vi.fn();
      webContents = { reload: vi.fn() };
      show = vi.fn();
      focus = vi.fn();
      restore = vi.fn();
      maximize = vi.fn();
      isMinimized = vi.fn(() => true);
      constructor(readonly options: { title: string; webPreferences: unknown }) {
        super();
        BrowserWindow.instances.push(this);
      }
    }
    const app = Object.assign(new EventEmitter(), {
      whenReady: vi.fn(() => Promise.resolve()),
      requestSingleInstanceLock: vi.fn(() => true),
      exit: vi.fn(),
      quit: vi.fn(),
      getPath: vi.fn((_name: string) => ''),
      dock: undefined,
    });
    return {
      app,
      BrowserWindow,
      protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
      session: {
        defaultSession: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn(), setDevicePermissionHandler: vi.fn() },
      },
      ipcMain: { handle: vi.fn() },
      shell: { openExternal: vi.fn(() => Promise.resolve()) },
      dialog: { showErrorBox: vi.fn(), showMessageBox: vi.fn() },
      utilityProcess: { fork: vi.fn((modulePath: string) => new UtilityProcess(modulePath)) },
      UtilityProcess,
      screen: { getAllDisplays: () => [] },
    };
  },
}));
vi.mock('electron', () => makeFakeElectron());
// The app's supervisor, except that it waits as long as a test does for a server process to close before killing it:
// the tests check that it exits 0, which a loaded machine may take longer than the app's grace to reach.
vi.mock('./serverSupervisor.js', async (importOriginal) => {
  const actual = await importOriginal<typeof SupervisorModule>();
  const { HANG_MS } = await import('../test/helpers/wait.js');
  class PatientSupervisor extends actual.ServerSupervisor {
    constructor(...[spawn, onUnexpectedExit]: ConstructorParameters<typeof actual.ServerSupervisor>) {
      super(spawn, onUnexpectedExit, HANG_MS);
    }
  }
  return { ...actual, ServerSupervisor: PatientSupervisor };
});

type FakeElectron = Awaited<ReturnType<typeof makeFakeElectron>>;

let electron: FakeElectron;
let dir: string;
let log: ReturnType<typeof vi.spyOn>;
let errorLog: ReturnType<typeof vi.spyOn>;
const argv = process.argv;

beforeEach(async () => {
  // main.ts runs on import, so each test imports it afresh; the mocked electron module is kept, so reset it.
  vi.resetModules();
  vi.resetAllMocks();
  electron = (await import('electron')) as unknown as FakeElectron;
  electron.app.removeAllListeners();
  electron.BrowserWindow.instances.length = 0;
  electron.UtilityProcess.instances.length = 0;
  electron.utilityProcess.fork.mockImplementation((modulePath: string) => new electron.UtilityProcess(modulePath));
  dir = mkdtempSync(join(tmpdir(), 'npy-main-'));
  electron.app.getPath.mockImplementation(() => join(dir, 'userData'));
  log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  errorLog = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});

afterEach(async () => {
  // Quitting closes the embedded server, if one was started and is not closing already.
  const exitsBefore = electron.app.exit.mock.calls.length;
  let closing = false;
  electron.app.emit('will-quit', { preventDefault: () => (closing = true) });
  if (closing) await vi.waitFor(() => expect(electron.app.exit.mock.calls.length).toBeGreaterThan(exitsBefore), STARTUP);
  await Promise.all(electron.UtilityProcess.instances.map((instance) => instance.exited()));
  process.argv = argv;
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs main.ts as Electron would with these command-line arguments. */
async function launch(...args: string[]): Promise<void> {
  process.argv = ['/opt/NPY Studio/npy-studio', ...args];
  await import('./main.js');
}

/** Long enough for a server process to start on a loaded machine; the wait ends as soon as the window exists. */
const STARTUP = { timeout: HANG_MS };

async function firstWindow() {
  await vi.waitFor(() => expect(electron.BrowserWindow.instances.length).toBeGreaterThan(0), STARTUP);
  return electron.BrowserWindow.instances[0]!;
}

function ipcHandler(): (event: unknown) => DesktopConfig {
  const call = electron.ipcMain.handle.mock.calls.find(([channel]) => channel === GET_CONFIG_CHANNEL);
  return call![1] as (event: unknown) => DesktopConfig;
}

const fromApp = { senderFrame: { url: 'app://npy-studio/index.html' } };

describe('window mode', () => {
  it('starts the embedded server, then opens a hardened window on it', async () => {
    await launch('--port', '0', '--data-dir', join(dir, 'data'), '--no-sandbox', '--inspect=0');
    const window = await firstWindow();

    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledExactlyOnceWith([APP_SCHEME_PRIVILEGES]);
    expect(electron.app.requestSingleInstanceLock).toHaveBeenCalledOnce();
    expect(electron.app.listenerCount('web-contents-created')).toBe(1);
    expect(electron.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalledOnce();
    expect(electron.session.defaultSession.setPermissionCheckHandler).toHaveBeenCalledOnce();

    const config = ipcHandler()(fromApp);
    expect(config).toMatchObject({ mode: 'embedded', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(config.serverUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${config.serverUrl}/health`)).json()).toMatchObject({ status: 'healthy' });
    expect(() => ipcHandler()({ senderFrame: { url: 'https://evil.example/' } })).toThrow('refused');

    expect(window.options.title).toBe(`NPY Studio — ${config.serverUrl}`);
    const preload = join(dirname(fileURLToPath(import.meta.url)), 'preload.cjs');
    expect(window.options.webPreferences).toEqual(secureWebPreferences(preload));
    expect(window.loadURL).toHaveBeenCalledExactlyOnceWith('app://npy-studio/index.html');

    // The server runs in a utility process, not in this one.
    const entry = join(dirname(fileURLToPath(import.meta.url)), 'serverEntry.js');
    expect(electron.utilityProcess.fork).toHaveBeenCalledExactlyOnceWith(entry, [], { serviceName: 'NPY Studio server', stdio: 'inherit' });
    const [server] = electron.UtilityProcess.instances;
    expect(log).toHaveBeenCalledWith(`server process ${server!.pid} serves ${config.serverUrl}`);
    expect(server!.output).toContain(`NPY Studio server listening on ${config.serverUrl} (data in ${join(dir, 'data')})`);
  });

  it('when the server process dies, a dialog offers a restart, which brings the server back on the same URL', async () => {
    electron.dialog.showMessageBox.mockResolvedValue({ response: 0, checkboxChecked: false });
    await launch('--port', '0', '--data-dir', join(dir, 'data'));
    const window = await firstWindow();
    const { serverUrl } = ipcHandler()(fromApp);
    electron.UtilityProcess.instances[0]!.child.kill('SIGKILL');

    await vi.waitFor(() => expect(electron.UtilityProcess.instances).toHaveLength(2), STARTUP);
    const restarted = electron.UtilityProcess.instances[1]!;
    await vi.waitFor(() => expect(log).toHaveBeenCalledWith(`server process ${restarted.pid} serves ${serverUrl}`), STARTUP);
    expect(electron.dialog.showMessageBox).toHaveBeenCalledExactlyOnceWith(
      window,
      expect.objectContaining({
        type: 'error',
        detail: expect.stringContaining('stopped unexpectedly (exit code 9)'),
        buttons: ['Restart server', 'Quit'],
      }),
    );
    expect(errorLog).toHaveBeenCalledWith('error: the server process stopped unexpectedly (exit code 9)');
    expect(ipcHandler()(fromApp).serverUrl).toBe(serverUrl);
    expect(await (await fetch(`${serverUrl}/health`)).json()).toMatchObject({ status: 'healthy' });
    expect(window.webContents.reload).not.toHaveBeenCalled();
    expect(electron.app.quit).not.toHaveBeenCalled();
  });

  it('a restart that has to move to another port gives the UI the new URL and reloads it', async () => {
    let squatter: Server | undefined;
    electron.dialog.showMessageBox.mockImplementation(async () => {
      // Another program takes the port while the dialog is up.
      squatter = await new Promise<Server>((resolve) => {
        const server = createServer().listen(Number(new URL(firstUrl).port), '127.0.0.1', () => resolve(server));
      });
      return { response: 0, checkboxChecked: false };
    });
    await launch('--port', '0', '--data-dir', join(dir, 'data'));
    const window = await firstWindow();
    const firstUrl = ipcHandler()(fromApp).serverUrl;
    try {
      electron.UtilityProcess.instances[0]!.child.kill('SIGKILL');
      await vi.waitFor(() => expect(window.webContents.reload).toHaveBeenCalledOnce(), STARTUP);
      const { serverUrl } = ipcHandler()(fromApp);
      expect(serverUrl).not.toBe(firstUrl);
      expect(await (await fetch(`${serverUrl}/health`)).json()).toMatchObject({ status: 'healthy' });
      const busy = new URL(firstUrl).port;
      expect(window.setTitle).toHaveBeenCalledWith(
        expect.stringMatching(new RegExp(`^NPY Studio — ${serverUrl} \\(ports? ${busy}(-\\d+)? (was|were) busy\\)$`)),
      );
    } finally {
      squatter?.close();
    }
  });

  it('Quit in that dialog quits the app', async () => {
    electron.dialog.showMessageBox.mockResolvedValue({ response: 1, checkboxChecked: false });
    await launch('--port', '0', '--data-dir', join(dir, 'data'));
    await firstWindow();
    electron.UtilityProcess.instances[0]!.child.kill('SIGKILL');
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalledOnce(), STARTUP);
    expect(electron.UtilityProcess.instances).toHaveLength(1);
  });

  it('serves app:// from the renderer folder only, with the CSP', async () => {
    await launch('--port', '0', '--data-dir', join(dir, 'data'));
    await firstWindow();
    const [scheme, handler] = electron.protocol.handle.mock.calls[0]! as unknown as [string, (request: Request) => Promise<Response>];
    expect(scheme).toBe('app');
    // package.json sits two folders above dist/renderer: a leaky handler would serve it.
    for (const url of ['app://npy-studio/..%2F..%2Fpackage.json', 'app://npy-studio/no-such-file.js']) {
      const response = await handler(new Request(url));
      expect(response.status, url).toBe(404);
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it('closes the server before quitting', async () => {
    await launch('--port', '0', '--data-dir', join(dir, 'data'));
    await firstWindow();
    const { serverUrl } = ipcHandler()(fromApp);
    electron.app.emit('window-all-closed');
    expect(electron.app.quit).toHaveBeenCalledOnce();

    const event = { preventDefault: vi.fn() };
    electron.app.emit('will-quit', event);
    expect(event.preventDefault).toHaveBeenCalledOnce();
    await vi.waitFor(() => expect(electron.app.exit).toHaveBeenCalledExactlyOnceWith(0), STARTUP);
    expect(electron.UtilityProcess.instances[0]!.child.exitCode).toBe(0);
    await expect(fetch(`${serverUrl}/health`)).rejects.toThrow();
  });

  it('moves to the next port when the requested one is busy and says so in the title', async () => {
    const blocker = await new Promise<Server>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => resolve(server));
    });
    const busyPort = (blocker.address() as AddressInfo).port;
    try {
      await launch('--port', String(busyPort), '--data-dir', join(dir, 'data'));
      const window = await firstWindow();
      const { serverUrl } = ipcHandler()(fromApp);
      expect(serverUrl).not.toBe(`http://127.0.0.1:${busyPort}`);
      expect(window.options.title).toMatch(new RegExp(`^NPY Studio — ${serverUrl} \\(ports? ${busyPort}(-\\d+)? (was|were) busy\\)$`));
    } finally {
      blocker.close();
    }
  });

  it('focuses the existing window when a second instance starts', async () => {
    await launch('--port', '0', '--data-dir', join(dir, 'data'));
    const window = await firstWindow();
    electron.app.emit('second-instance');
    expect(window.restore).toHaveBeenCalledOnce();
    expect(window.focus).toHaveBeenCalledOnce();
  });

  it('as the second instance, exits without starting a server or a window', async () => {
    electron.app.requestSingleInstanceLock.mockReturnValue(false);
    await launch('--port', '0', '--data-dir', join(dir, 'data'));
    expect(electron.app.exit).toHaveBeenCalledExactlyOnceWith(0);
    expect(electron.app.whenReady).not.toHaveBeenCalled();
    expect(electron.BrowserWindow.instances).toEqual([]);
  });

  it('reports a server that cannot start in a dialog and exits 1', async () => {
    const notADirectory = join(dir, 'file');
    writeFileSync(notADirectory, '');
    await launch('--port', '0', '--data-dir', notADirectory);
    await vi.waitFor(() => expect(electron.app.exit).toHaveBeenCalledExactlyOnceWith(1), STARTUP);
    expect(electron.dialog.showErrorBox).toHaveBeenCalledWith('NPY Studio could not start', expect.stringMatching(/EEXIST|ENOTDIR/));
    expect(electron.BrowserWindow.instances).toEqual([]);
  });
});

describe('--remote', () => {
  it('opens the UI on the remote server without starting one', async () => {
    await launch('--remote', 'https://npy.example.org:8443/');
    const window = await firstWindow();
    expect(ipcHandler()(fromApp)).toEqual({ serverUrl: 'https://npy.example.org:8443', mode: 'remote', version: expect.any(String) });
    expect(window.options.title).toBe('NPY Studio — https://npy.example.org:8443');
    expect(log).not.toHaveBeenCalledWith(expect.stringContaining('server listening'));
  });
});

describe('--server-only', () => {
  it('serves without a window or instance lock and exits 0 on SIGTERM', async () => {
    const before = [...process.listeners('SIGTERM'), ...process.listeners('SIGINT')];
    await launch('--server-only', '--port', '0', '--data-dir', join(dir, 'data'));
    await vi.waitFor(
      () => expect(log).toHaveBeenCalledWith(expect.stringMatching(/^NPY Studio server listening on http:\/\/127\.0\.0\.1:\d+ /)),
      STARTUP,
    );
    const url = /listening on (\S+)/.exec(log.mock.calls.at(-1)![0] as string)![1]!;
    expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ status: 'healthy' });
    expect(electron.BrowserWindow.instances).toEqual([]);
    expect(electron.app.requestSingleInstanceLock).not.toHaveBeenCalled();

    const added = process.listeners('SIGTERM').filter((listener) => !before.includes(listener));
    expect(added).toHaveLength(1);
    process.removeListener('SIGTERM', added[0]!);
    added[0]!('SIGTERM');
    await vi.waitFor(() => expect(electron.app.exit).toHaveBeenCalledExactlyOnceWith(0), STARTUP);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
    for (const listener of process.listeners('SIGINT').filter((l) => !before.includes(l))) process.removeListener('SIGINT', listener);
  });
});

describe('command line', () => {
  it('explains a bad flag with the usage and exits 2', async () => {
    await launch('--port', 'abc');
    expect(electron.app.exit).toHaveBeenCalledExactlyOnceWith(2);
    expect(errorLog).toHaveBeenCalledWith(expect.stringMatching(/^npy-studio: invalid port "abc": use 0-65535\n\nUsage: npy-studio/));
    expect(electron.BrowserWindow.instances).toEqual([]);
  });

  it('prints the usage for --help and exits 0', async () => {
    await launch('--help');
    expect(electron.app.exit).toHaveBeenCalledExactlyOnceWith(0);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('--server-only'));
  });
});
