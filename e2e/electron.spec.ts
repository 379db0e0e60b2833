/**
 * The desktop app in a real Electron: the window with its embedded server (in a utility process, restarted
 * from a dialog when it dies), and `--server-only`.
 * Skipped, with the reason, where the Electron binary is missing or there is no display.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ElectronApplication, _electron, expect, test } from '@playwright/test';
import type { DesktopBridge } from '../common/desktop.js';
import type { HealthResponse } from '../common/protocol.js';
import { HANG_MS } from '../test/helpers/wait.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const LISTENING = /NPY Studio server listening on (http:\/\/\S+)/;
/** The utility process's serviceName, which Electron reports as the process's name in app.getAppMetrics(). */
const SERVER_PROCESS_NAME = 'NPY Studio server';

/** The Electron executable, located without `require('electron')`, which would try to download it. */
function findElectron(): { executable: string } | { reason: string } {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return { reason: 'the Electron binary was never downloaded (node_modules/electron/path.txt is missing)' };
  const executable = join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(packageDir, 'dist'), readFileSync(pathFile, 'utf8'));
  try {
    accessSync(executable, constants.X_OK);
    // As Node, the binary runs without a display, so this checks only that it can execute at all.
    execFileSync(executable, ['--version'], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: HANG_MS, stdio: 'pipe' });
  } catch (err) {
    return { reason: `the Electron binary at ${executable} cannot run: ${(err as Error).message}` };
  }
  return { executable };
}

const electron = findElectron();
const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
const skipReason =
  'reason' in electron ? electron.reason : noDisplay ? 'no display (DISPLAY/WAYLAND_DISPLAY unset): run under xvfb-run' : undefined;
const executable = 'executable' in electron ? electron.executable : '';

test.describe('Electron app', () => {
  test.skip(skipReason !== undefined, skipReason);

  let dir: string;
  test.beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist', 'main', 'main.js'))) throw new Error('dist/ is not built: run `npm run build` first');
  });
  test.beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'npy-electron-e2e-'));
  });
  test.afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Our flags plus a private user-data dir, so a running NPY Studio's single-instance lock does not interfere. */
  const appArgs = (...flags: string[]) => [ROOT, ...flags, '--data-dir', join(dir, 'data'), `--user-data-dir=${join(dir, 'user-data')}`];

  /** The app, whose start and windows are waited for up to the hang deadline, not Playwright's 30 s defaults. */
  async function launchApp(...flags: string[]): Promise<ElectronApplication> {
    const app = await _electron.launch({ executablePath: executable, args: appArgs(...flags), cwd: ROOT, timeout: HANG_MS });
    app.context().setDefaultTimeout(HANG_MS);
    return app;
  }

  test('the window shows the bundled UI, wired to the embedded server', async () => {
    const app = await launchApp('--port', '0');
    try {
      const page = await app.firstWindow();
      await page.waitForLoadState('domcontentloaded');
      expect(page.url()).toBe('app://npy-studio/index.html');
      await expect(page).toHaveTitle(/NPY Studio/);
      await expect(page.locator('body')).not.toBeEmpty();

      // The renderer is sandboxed: the bridge is all it gets.
      expect(
        await page.evaluate(() => [
          typeof (globalThis as { require?: unknown }).require,
          typeof (globalThis as { process?: unknown }).process,
        ]),
      ).toEqual(['undefined', 'undefined']);
      const config = await page.evaluate(() => (globalThis as unknown as { npyStudio: DesktopBridge }).npyStudio.getConfig());
      expect(config).toMatchObject({ mode: 'embedded', serverUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });

      const health = (await (await fetch(`${config.serverUrl}/health`)).json()) as HealthResponse;
      expect(health).toMatchObject({ status: 'healthy', arrays: 0 });
      const title = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.getTitle());
      expect(title).toBe(`NPY Studio — ${config.serverUrl}`);
    } finally {
      await app.close();
    }
  });

  test('the server runs in a utility process; when it dies, a dialog offers a restart that brings it back', async () => {
    const app = await launchApp('--port', '0');
    try {
      const page = await app.firstWindow();
      await page.waitForLoadState('domcontentloaded');
      // Native dialogs cannot be clicked from here: answer "Restart server" (button 0) and keep what was shown.
      await app.evaluate(({ dialog }) => {
        const shown: Electron.MessageBoxOptions[] = [];
        (globalThis as { shownDialogs?: Electron.MessageBoxOptions[] }).shownDialogs = shown;
        dialog.showMessageBox = (async (...args: unknown[]) => {
          shown.push(args.at(-1) as Electron.MessageBoxOptions);
          return { response: 0, checkboxChecked: false };
        }) as typeof dialog.showMessageBox;
      });
      const config = await page.evaluate(() => (globalThis as unknown as { npyStudio: DesktopBridge }).npyStudio.getConfig());

      const [serverPid] = await serverProcessPids(app);
      expect(serverPid).toBeDefined();
      expect(serverPid).not.toBe(app.process().pid);
      expect(((await (await fetch(`${config.serverUrl}/health`)).json()) as HealthResponse).status).toBe('healthy');

      process.kill(serverPid!, 'SIGKILL');
      await expect
        .poll(() => app.evaluate(() => (globalThis as { shownDialogs?: Electron.MessageBoxOptions[] }).shownDialogs ?? []))
        .toEqual([
          expect.objectContaining({
            type: 'error',
            buttons: ['Restart server', 'Quit'],
            detail: expect.stringContaining('stopped unexpectedly'),
          }),
        ]);

      // Restarted: another process, the same URL (its port was free again), and the window still up.
      await expect.poll(async () => (await serverProcessPids(app)).filter((pid) => pid !== serverPid)).toHaveLength(1);
      await expect
        .poll(() =>
          fetch(`${config.serverUrl}/health`).then(
            async (response) => ((await response.json()) as HealthResponse).status,
            () => 'not answering',
          ),
        )
        .toBe('healthy');
      expect(await page.evaluate(() => (globalThis as unknown as { npyStudio: DesktopBridge }).npyStudio.getConfig())).toEqual(config);
    } finally {
      await app.close();
    }
  });

  test('--server-only serves without a window and exits 0 on SIGTERM', async () => {
    const child = spawn(executable, appArgs('--server-only', '--port', '0'), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      const url = await listeningUrl(child);
      const health = (await (await fetch(`${url}/health`)).json()) as HealthResponse;
      expect(health.status).toBe('healthy');

      child.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
      await expect(fetch(`${url}/health`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});

/** Pids of the embedded server's utility processes, as Electron's process metrics list them. */
function serverProcessPids(app: ElectronApplication): Promise<number[]> {
  return app.evaluate(
    ({ app }, name) => app.getAppMetrics().flatMap((metric) => (metric.type === 'Utility' && metric.name === name ? [metric.pid] : [])),
    SERVER_PROCESS_NAME,
  );
}

function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no "listening" line within ${HANG_MS / 1000} s; output:\n${output}`)), HANG_MS);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = LISTENING.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening; output:\n${output}`));
    });
  });
}
