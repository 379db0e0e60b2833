/** Electron entry point: wires the plain modules of main/ to Electron. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, app, dialog, ipcMain, protocol, screen, session, shell } from 'electron';
import { APP_SCHEME, type DesktopConfig } from '../common/desktop.js';
import type { RunningServer } from '../server/app.js';
import { UsageError } from '../server/cliOptions.js';
import { consoleLogger } from '../server/logger.js';
import { RENDERER_DIR, VERSION } from '../server/version.js';
import { APP_SCHEME_PRIVILEGES, serveAppRequest } from './appProtocol.js';
import { runServerOnly, startEmbeddedServer } from './embeddedServer.js';
import { DESKTOP_USAGE, type DesktopOptions, parseDesktopArgs } from './options.js';
import { denyAllPermissions, handleConfigRequests, hardenAllWebContents } from './security.js';
import { PRODUCT_NAME, createMainWindow, windowTitle } from './window.js';

const PRELOAD_PATH = join(dirname(fileURLToPath(import.meta.url)), 'preload.cjs');

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
function closeServerOnQuit(server: RunningServer): void {
  let closing = false;
  app.on('will-quit', (event) => {
    if (closing) return;
    closing = true;
    event.preventDefault();
    server.close().finally(() => app.exit(0));
  });
}

function runHeadless(options: Extract<DesktopOptions, { mode: 'server-only' }>): void {
  app.dock?.hide();
  runServerOnly(options.server, consoleLogger, process, (code) => app.exit(code)).then(closeServerOnQuit, (err: Error) => fail(err, false));
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
        const embedded = await startEmbeddedServer(options.server, consoleLogger);
        closeServerOnQuit(embedded.server);
        // The UI reads a token from the URL's query, as from a remote server's printed URL.
        const serverUrl = embedded.server.token ? embedded.server.browserUrl : embedded.server.url;
        config = { serverUrl, mode: 'embedded', version: VERSION };
        portNote = embedded.portNote;
      }
      handleConfigRequests(ipcMain, config);
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
