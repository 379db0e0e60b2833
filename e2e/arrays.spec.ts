import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { type ApiError, NpyClient } from '../client/index.js';
import { FIXTURES, dropFiles, openApp, saveScreenshot } from './support/app.js';
import { type TestServer, startTestServer } from './support/servers.js';
import { expect, test } from './support/test.js';

const ONE_D = `${FIXTURES}valid/f8_1000.npy`;
const TWO_D = `${FIXTURES}valid/f8_fortran.npy`;
const INVALID = [`${FIXTURES}invalid/object_dtype.npy`, `${FIXTURES}invalid/bad_magic.npy`];

let server: TestServer;
test.beforeEach(async () => {
  server = await startTestServer();
});
test.afterEach(async () => {
  await server.dispose();
});

/** min, max and mean of the finite values as numpy computes them: an independent check of what the UI shows. */
function numpyStats(path: string): { min: number; max: number; mean: number } {
  const code = [
    'import json, sys, numpy as np',
    'a = np.load(sys.argv[1]); a = a[np.isfinite(a)]',
    'print(json.dumps(dict(min=float(a.min()), max=float(a.max()), mean=float(a.mean()))))',
  ].join('\n');
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', code, path], { encoding: 'utf8' })) as {
    min: number;
    max: number;
    mean: number;
  };
}

async function expectStats(page: Page, path: string, count: number): Promise<void> {
  const want = numpyStats(path);
  await expect(page.getByTestId('stat-count')).toHaveAttribute('data-value', String(count));
  for (const key of ['min', 'max', 'mean'] as const) {
    expect(Number(await page.getByTestId(`stat-${key}`).getAttribute('data-value'))).toBeCloseTo(want[key], 9);
  }
}

test('uploads numpy files and plots a 1-D array as a line and a 2-D array as a heatmap', async ({ page }) => {
  await openApp(page, server.url, 'arrays');
  await expect(page.getByTestId('array-empty')).toBeVisible();

  await page.getByTestId('upload-input').setInputFiles([ONE_D, TWO_D]);
  const items = page.getByTestId('upload-item');
  await expect(items).toHaveCount(2);
  await expect(items.nth(0)).toHaveAttribute('data-status', 'done');
  await expect(items.nth(1)).toHaveAttribute('data-status', 'done');
  await expect(items.nth(0).getByTestId('upload-progress')).toHaveJSProperty('value', 1);

  const rows = page.getByTestId('array-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('f8_1000.npy');
  await expect(rows.nth(0)).toContainText('(1000,)');
  await expect(rows.nth(0)).toContainText('float64');
  await expect(rows.nth(1)).toContainText('f8_fortran.npy');
  await expect(rows.nth(1)).toContainText('(4, 6)');

  const viewer = page.getByTestId('array-viewer');
  await rows.nth(0).click();
  await expect(viewer).toHaveAttribute('data-state', 'ready');
  await expect(viewer).toHaveAttribute('data-kind', 'line');
  await expect(page.getByTestId('array-line-canvas')).toBeVisible();
  await expectStats(page, ONE_D, 1000);
  await saveScreenshot(page, 'arrays-line');

  await rows.nth(1).click();
  await expect(viewer).toHaveAttribute('data-kind', 'grid');
  await expect(page.getByTestId('heatmap-canvas')).toBeVisible();
  await expect(page.getByTestId('heatmap-canvas')).toHaveJSProperty('width', 6);
  await expectStats(page, TWO_D, 24);
  await expect(page.getByTestId('heatmap-note')).toHaveText('4 rows × 6 columns');
  await saveScreenshot(page, 'arrays-heatmap');

  await page.getByTestId('array-rows-as-lines').check();
  await expect(viewer).toHaveAttribute('data-kind', 'rows');
  await expect(page.getByTestId('array-line-canvas')).toBeVisible();
});

test('uploads several files dropped at once', async ({ page }) => {
  await openApp(page, server.url, 'arrays');
  await dropFiles(page, 'upload-dropzone', [ONE_D, TWO_D]);
  await expect(page.locator('[data-testid="upload-item"][data-status="done"]')).toHaveCount(2);
  await expect(page.getByTestId('array-row')).toHaveCount(2);
});

test("shows the server's reason for each rejected file and leaves the list unchanged", async ({ page }) => {
  const client = new NpyClient({ baseUrl: server.url });
  await client.uploadFile({ body: readFileSync(ONE_D), name: 'kept.npy' });
  const reasons = await Promise.all(
    INVALID.map((path) =>
      client.uploadFile({ body: readFileSync(path), name: 'x.npy' }).then(
        () => 'accepted?!',
        (err: ApiError) => err.detail,
      ),
    ),
  );

  await openApp(page, server.url, 'arrays');
  await expect(page.getByTestId('array-row')).toHaveCount(1);
  await page.getByTestId('upload-input').setInputFiles(INVALID);
  const items = page.getByTestId('upload-item');
  for (const [i, reason] of reasons.entries()) {
    await expect(items.nth(i)).toHaveAttribute('data-status', 'error');
    await expect(items.nth(i).getByTestId('upload-message')).toHaveText(reason as string);
  }
  await page.getByTestId('array-refresh').click();
  await expect(page.getByTestId('array-count')).toHaveAttribute('data-value', '1');
  await expect(page.getByTestId('array-row')).toHaveCount(1);
  await saveScreenshot(page, 'arrays-rejected');
});

test('downloads the exact .npy and deletes after confirmation', async ({ page }) => {
  const client = new NpyClient({ baseUrl: server.url });
  await client.uploadFile({ body: readFileSync(ONE_D), name: 'f8_1000.npy' });
  await openApp(page, server.url, 'arrays');
  await page.getByTestId('array-row').first().click();
  await expect(page.getByTestId('array-viewer')).toHaveAttribute('data-state', 'ready');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('array-download').click()]);
  expect(download.suggestedFilename()).toBe('f8_1000.npy');
  expect(Buffer.compare(await readFile(await download.path()), readFileSync(ONE_D))).toBe(0);

  await page.getByTestId('array-delete').click();
  await page.getByTestId('confirm-cancel').click();
  await expect(page.getByTestId('array-row')).toHaveCount(1);
  await page.getByTestId('array-delete').click();
  await expect(page.getByTestId('confirm-message')).toContainText('f8_1000.npy');
  await page.getByTestId('confirm-ok').click();
  await expect(page.getByTestId('array-row')).toHaveCount(0);
  await expect(page.getByTestId('array-viewer')).toHaveAttribute('data-state', 'empty');
  expect(await client.listArrays()).toEqual([]);
});

test('shows a 2000 × 2000 array as a downsampled heatmap within seconds', async ({ page }) => {
  const side = 2000;
  const values = Float32Array.from({ length: side * side }, (_, i) => Math.sin((i % side) / 50) * Math.cos(Math.floor(i / side) / 80));
  await new NpyClient({ baseUrl: server.url }).uploadArray({ values, shape: [side, side], name: 'big.npy' });
  await openApp(page, server.url, 'arrays');
  const started = Date.now();
  await page.getByTestId('array-row').first().click();
  await expect(page.getByTestId('heatmap-note')).toContainText('drawn at 1000 × 1000, each pixel the mean of 2 × 2');
  expect(Date.now() - started).toBeLessThan(5_000);
  await expect(page.getByTestId('stat-count')).toHaveAttribute('data-value', String(side * side));
  await saveScreenshot(page, 'arrays-heatmap-large');
});
