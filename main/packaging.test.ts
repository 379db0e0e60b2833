import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

it('electron-builder packs main, preload, the server process entry, renderer, server and production dependencies into app.asar', async (context) => {
  if (!existsSync(join(ROOT, 'dist', 'main', 'main.js'))) context.skip('dist/ is not built: run `npm run build` first');
  const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'package-smoke.mjs'), '--placeholder-renderer'], {
    cwd: ROOT,
    timeout: 590_000,
  });
  expect(stdout).toMatch(
    /package-smoke: ok in [\d.]+s: app\.asar has \d+ entries including dist\/main\/main\.js, dist\/main\/preload\.cjs, dist\/main\/serverEntry\.js, dist\/renderer\/index\.html, dist\/server\/app\.js; "main" is dist\/main\/main\.js/,
  );
}, 600_000);
