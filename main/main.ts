/** Electron entry point: wires the plain modules of main/ to Electron. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, app, dialog, ipcMain, protocol, screen, session, shell, utilityProcess } from 'electron';
import { APP_SCHEME, type DesktopConfig } from '../common/desktop.js';
import { UsageError } from '../server/cliOptions.js';
import { consoleLogger } from '../server/logger.js';
import type { ServerOptions } from '../server/options.js';
import { RENDERER_DIR, VERSION } from '../server/version.js';
import { APP_SCHEME_PRIVILEGES, serveAppRequest } from './appProtocol.js';
import { runServerOnly } from './embeddedServer.js';
import { DESKTOP_USAGE, type DesktopOptions, parseDesktopArgs } from './options.js';
import { denyAllPermissions, handleConfigRequests, hardenAllWebContents } from './security.js';
import { fromUtilityProcess } from './serverChannel.js';
import { type ServerReady, startOptionsFrom } from './serverMessages.js';
import { type RecoveryChoice, recoverServer } from './serverRecovery.js';
import { ServerSupervisor } from './serverSupervisor.js';
import { PRODUCT_NAME, createMainWindow, windowTitle } from './window.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const PRELOAD_PATH = join(HERE, 'preload.cjs');
/** The embedded server's process entry (plain Node), run as an Electron utility process. */
const SERVER_ENTRY = join(HERE, 'serverEntry.js');

/** The options, or undefined after explaining a usage error. */
function readOptions(): DesktopOptions | undefined {
  // Under `electron .` the app path comes next; it is a positional, which the parser ignores.
  try {
    return parseDesktopArgs(process.argv.slice(1));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`npy-studio: ${err.message}\n\n${DESKTOP_USAGE}`);
    return undefined;
  }
}

function fail(err: Error, showDialog: boolean): void {
  console.error(`npy-studio: ${err.message}`);
  if (showDialog) dialog.showErrorBox(`${PRODUCT_NAME} could not start`, err.message);
  app.exit(1);
}

/** Closes the server before any quit Electron initiates (window closed, Electron's own signal handling). */
function closeServerOnQuit(close: () => Promise<void>): void {
  let closing = false;
  app.on('will-quit', (event) => {
    if (closing) return;
    closing = true;
    event.preventDefault();
    close().finally(() => app.exit(0));
  });
}

function spawnServerProcess() {
  const child = utilityProcess.fork(SERVER_ENTRY, [], { serviceName: `${PRODUCT_NAME} server`, stdio: 'inherit' });
  return fromUtilityProcess(child);
}

async function askAfterServerExit(window: BrowserWindow | undefined, detail: string): Promise<RecoveryChoice> {
  const options = {
    type: 'error' as const,
    title: `${PRODUCT_NAME} server stopped`,
    message: `The ${PRODUCT_NAME} server stopped`,
    detail,
    buttons: ['Restart server', 'Quit'],
    defaultId: 0,
    cancelId: 1,
  };
  const { response } = await (window ? dialog.showMessageBox(window, options) : dialog.showMessageBox(options));
  return response === 0 ? 'restart' : 'quit';
}

function runHeadless(options: Extract<DesktopOptions, { mode: 'server-only' }>): void {
  app.dock?.hide();
  // No window to keep responsive here, so the server runs in this process.
  runServerOnly(options.server, consoleLogger, process, (code) => app.exit(code)).then(
    (server) => closeServerOnQuit(() => server.close()),
    (err: Error) => fail(err, false),
  );
}

function runWindowed(options: Extract<DesktopOptions, { mode: 'window' | 'remote' }>): void {
  if (!app.requestSingleInstanceLock()) {
    console.log(`${PRODUCT_NAME} is already running; focusing its window`);
    app.exit(0);
    return;
  }
  let window: BrowserWindow | undefined;
  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  hardenAllWebContents(app, (url) => shell.openExternal(url));
  app.on('window-all-closed', () => app.quit());

  app
    .whenReady()
    .then(async () => {
      denyAllPermissions(session.defaultSession);
      protocol.handle(APP_SCHEME, (request) => serveAppRequest(request, RENDERER_DIR));
      let config: DesktopConfig;
      let portNote: string | undefined;
      if (options.mode === 'remote') {
        config = { serverUrl: options.remoteUrl, mode: 'remote', version: VERSION };
        consoleLogger.info(`using the remote server ${options.remoteUrl}`);
      } else {
        const ready = await runServerProcess(
          options.server,
          () => window,
          (restarted) => {
            const serverUrl = embeddedUrl(restarted);
            const moved = serverUrl !== config.serverUrl;
            config = { ...config, serverUrl };
            window?.setTitle(windowTitle(serverUrl, restarted.portNote));
            // The UI asks for the config when it loads.
            if (moved) window?.webContents.reload();
          },
        );
        config = { serverUrl: embeddedUrl(ready), mode: 'embedded', version: VERSION };
        portNote = ready.portNote;
      }
      handleConfigRequests(ipcMain, () => config);
      window = createMainWindow(
        { BrowserWindow, screen, logger: consoleLogger },
        {
          title: windowTitle(config.serverUrl, portNote),
          preloadPath: PRELOAD_PATH,
          stateFile: join(app.getPath('userData'), 'window-state.json'),
        },
      );
    })
    .catch((err: Error) => fail(err, true));
}

/**
 * Runs the embedded server in a utility process, off this thread that owns the window, menus and IPC.
 * When the process dies, a dialog offers to restart it; `onRestarted` then gets the new server.
 */
async function runServerProcess(
  flags: Partial<ServerOptions>,
  currentWindow: () => BrowserWindow | undefined,
  onRestarted: (ready: ServerReady) => void,
): Promise<ServerReady> {
  const startOptions = startOptionsFrom(flags);
  let last: ServerReady;
  const serving = (ready: ServerReady) => {
    last = ready;
    consoleLogger.info(`server process ${supervisor.pid} serves ${ready.url}`);
    return ready;
  };
  const supervisor: ServerSupervisor = new ServerSupervisor(spawnServerProcess, (how) => {
    consoleLogger.error(`the server process stopped unexpectedly (${how})`);
    void recoverServer(how, {
      ask: (detail) => askAfterServerExit(currentWindow(), detail),
      // The same port and token keep the URL the UI holds valid, unless another program took the port meanwhile.
      restart: () => supervisor.restart({ ...startOptions, port: last.port, token: last.token }),
      restarted: (ready) => onRestarted(serving(ready)),
      quit: () => app.quit(),
    });
  });
  const ready = serving(await supervisor.start(startOptions));
  closeServerOnQuit(() => supervisor.stop());
  return ready;
}

/** The UI reads a token from the URL's query, as from a remote server's printed URL. */
function embeddedUrl(ready: ServerReady): string {
  return ready.token ? ready.browserUrl : ready.url;
}

// Privileged schemes must be registered before the app is ready, hence synchronously here.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
const options = readOptions();
if (!options) {
  app.exit(2);
} else if (options.mode === 'help') {
  console.log(DESKTOP_USAGE);
  app.exit(0);
} else if (options.mode === 'server-only') {
  runHeadless(options);
} else {
  runWindowed(options);
}
