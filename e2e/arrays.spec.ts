import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { type ApiError, NpyClient } from '../client/index.js';
import { FIXTURES, dropFiles, openApp, saveScreenshot } from './support/app.js';
import { type TestServer, startTestServer } from './support/servers.js';
import { expect, test } from './support/test.js';

const ONE_D = `${FIXTURES}valid/f8_1000.npy`;
const TWO_D = `${FIXTURES}valid/f8_fortran.npy`;
const INVALID = [`${FIXTURES}invalid/object_dtype.npy`, `${FIXTURES}invalid/bad_magic.npy`];

/** One array of each kind the viewer must get right, written by NumPy itself. */
const KINDS = `
import sys, numpy as np
d = sys.argv[1]
np.save(f'{d}/cube.npy', (np.arange(4)[:, None, None] * 1000 + np.arange(32)[:, None] * 32 + np.arange(32)).astype('<f4'))
t = np.arange(5000)
np.save(f'{d}/channels.npy', np.stack([np.sin(t / 300), np.cos(t / 300) * 2, t / 5000], axis=1))
np.save(f'{d}/nonfinite.npy', np.array([1, np.nan, np.inf, -np.inf, 2, 3]))
np.save(f'{d}/uint64.npy', (np.uint64(2**64 - 1) - np.arange(200, dtype=np.uint64)[::-1]))
np.save(f'{d}/complex.npy', np.exp(1j * np.linspace(0, 4 * np.pi, 400)).astype('<c16'))
np.save(f'{d}/bigendian.npy', (np.arange(20)[:, None] * 100 + np.arange(30)).astype('>f8'))
np.save(f'{d}/bool.npy', (np.arange(50)[:, None] // 5 + np.arange(60) // 5) % 2 == 0)
np.save(f'{d}/empty.npy', np.zeros((0, 3)))
`;

let server: TestServer;
let kindsDir: string;
test.beforeAll(() => {
  kindsDir = mkdtempSync(join(tmpdir(), 'npy-kinds-'));
  execFileSync('/usr/bin/python3', ['-c', KINDS, kindsDir]);
});
test.afterAll(() => rmSync(kindsDir, { recursive: true, force: true }));
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
    await expect.poll(async () => Number(await page.getByTestId(`stat-${key}`).getAttribute('data-value'))).toBeCloseTo(want[key], 9);
  }
}

/** Uploads the named kinds and opens the arrays tab with the first selected. */
async function openKind(page: Page, ...names: string[]): Promise<Locator> {
  const client = new NpyClient({ baseUrl: server.url });
  for (const name of names) await client.uploadFile({ body: readFileSync(join(kindsDir, `${name}.npy`)), name: `${name}.npy` });
  await openApp(page, server.url, 'arrays');
  await page.getByTestId('array-row').first().click();
  const viewer = page.getByTestId('array-viewer');
  await expect(viewer).toHaveAttribute('data-state', 'ready');
  return viewer;
}

/** Hovers the heatmap over the cell of (row, col) in the window shown and returns the readout. */
async function hoverCell(page: Page, row: number, col: number, rows: number, cols: number): Promise<string> {
  const canvas = page.getByTestId('heatmap-canvas');
  const box = (await canvas.boundingBox())!;
  // The plot area inside the canvas: margins as heatmapView.ts draws them.
  const plot = { x: 64, y: 8, width: box.width - 64 - 12, height: box.height - 8 - 34 };
  await canvas.hover({ position: { x: plot.x + ((col + 0.5) / cols) * plot.width, y: plot.y + ((row + 0.5) / rows) * plot.height } });
  return (await page.getByTestId('heatmap-hover').textContent()) ?? '';
}

/** Distinct colours drawn in the heatmap's plot area, sampled on a grid. */
async function heatmapColours(page: Page): Promise<string[]> {
  return page.getByTestId('heatmap-canvas').evaluate((node) => {
    const canvas = node as unknown as {
      width: number;
      height: number;
      getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
    };
    const dpr = (globalThis as unknown as { devicePixelRatio: number }).devicePixelRatio;
    const x0 = Math.ceil(64 * dpr) + 2;
    const y0 = Math.ceil(8 * dpr) + 2;
    const w = canvas.width - x0 - Math.ceil(12 * dpr) - 2;
    const h = canvas.height - y0 - Math.ceil(34 * dpr) - 2;
    const { data } = canvas.getContext('2d').getImageData(x0, y0, w, h);
    const colours = new Set<string>();
    for (let y = 0; y < h; y += 7) for (let x = 0; x < w; x += 7) colours.add(data.slice((y * w + x) * 4, (y * w + x) * 4 + 3).join(','));
    return [...colours];
  });
}

test('3-D array: a heatmap of two chosen axes, a slider for the third, hover shows the full index', async ({ page }) => {
  const viewer = await openKind(page, 'cube');
  const heatmap = page.getByTestId('array-heatmap');
  await expect(viewer).toHaveAttribute('data-kind', 'heatmap');
  await expect(heatmap).toHaveAttribute('data-loaded', 'exact');
  await expect(heatmap).toHaveAttribute('data-image-size', '32x32');
  expect((await heatmap.getAttribute('data-x-ticks'))!.split(',')).toEqual(expect.arrayContaining(['0', '10', '20', '30']));
  expect((await heatmap.getAttribute('data-y-ticks'))!.split(',')).toContain('0');
  expect(await hoverCell(page, 5, 7, 32, 32)).toBe('a[0, 5, 7] = 167');
  await saveScreenshot(page, 'arrays-3d-axis0-0');

  await page.getByTestId('axis-slider-0').fill('2');
  await expect(page.getByTestId('axis-index-0')).toHaveText('2');
  await expect(heatmap).toHaveAttribute('data-loaded', 'exact');
  await expect.poll(() => hoverCell(page, 5, 7, 32, 32)).toBe('a[2, 5, 7] = 2167');
  await saveScreenshot(page, 'arrays-3d-axis0-2');

  // Axis 0 down the rows: a 4 × 32 image, axis 1 now on a slider.
  await page.getByTestId('array-row-axis').selectOption('0');
  await expect(heatmap).toHaveAttribute('data-image-size', '4x32');
  await expect(page.getByTestId('axis-slider-1')).toBeVisible();
  await expect.poll(() => hoverCell(page, 3, 31, 4, 32)).toBe('a[3, 0, 31] = 3031');
  await saveScreenshot(page, 'arrays-3d-axes-0-2');
});

test('(5000, 3) array: its columns as lines, and a heatmap that is drawn', async ({ page }) => {
  const viewer = await openKind(page, 'channels');
  const line = page.getByTestId('array-line');
  await expect(viewer).toHaveAttribute('data-kind', 'columns');
  await expect(line).toHaveAttribute('data-loaded', /exact|overview/);
  await expect(line).toHaveAttribute('data-series', '3');
  expect(Number(await line.getAttribute('data-points'))).toBeGreaterThan(3 * 500);
  const xTicks = (await line.getAttribute('data-x-ticks'))!.split(',');
  expect(xTicks[0]).toBe('0');
  expect(xTicks.every((t) => /^\d+$/.test(t))).toBe(true);
  await saveScreenshot(page, 'arrays-channels-lines');

  await page.getByTestId('array-mode').selectOption('heatmap');
  const heatmap = page.getByTestId('array-heatmap');
  await expect(heatmap).toHaveAttribute('data-loaded', /exact|overview/);
  expect(Number((await heatmap.getAttribute('data-image-size'))!.split('x')[1])).toBe(3);
  expect((await page.getByTestId('heatmap-canvas').boundingBox())!.width).toBeGreaterThan(200);
  expect((await heatmapColours(page)).length).toBeGreaterThan(10);
  await saveScreenshot(page, 'arrays-channels-heatmap');
});

test('NaN and ±Inf: gaps in the line, markers at the edges, index 0 visible, stats that say what they cover', async ({ page }) => {
  await openKind(page, 'nonfinite');
  const line = page.getByTestId('array-line');
  await expect(line).toHaveAttribute('data-loaded', 'exact');
  await expect(line).toHaveAttribute('data-points', '3');
  // Index 0 sits between the start and a NaN: drawn as a dot.
  await expect(line).toHaveAttribute('data-isolated', '1');
  await expect(line).toHaveAttribute('data-pos-inf', '1');
  await expect(line).toHaveAttribute('data-neg-inf', '1');
  expect((await line.getAttribute('data-x-ticks'))!.split(',')).toEqual(['0', '1', '2', '3', '4', '5']);
  await expectStats(page, join(kindsDir, 'nonfinite.npy'), 6);
  await expect(page.getByTestId('stat-nan')).toHaveAttribute('data-value', '1');
  await expect(page.getByTestId('stat-posinf')).toHaveAttribute('data-value', '1');
  await expect(page.getByTestId('stat-neginf')).toHaveAttribute('data-value', '1');
  await expect(page.getByTestId('stat-note')).toContainText('of the 3 finite values');
  await saveScreenshot(page, 'arrays-nonfinite');
});

test('uint64 near 2^64: distinct axis labels, values plotted exactly relative to their minimum', async ({ page }) => {
  await openKind(page, 'uint64');
  const line = page.getByTestId('array-line');
  await expect(line).toHaveAttribute('data-loaded', 'exact');
  await expect(line).toHaveAttribute('data-offset', String(2n ** 64n - 200n));
  const yTicks = (await line.getAttribute('data-y-ticks'))!.split('|');
  expect(yTicks.length).toBeGreaterThan(2);
  expect(new Set(yTicks).size).toBe(yTicks.length);
  await expect(page.getByTestId('array-meta')).toContainText('uint64');
  await saveScreenshot(page, 'arrays-uint64');
});

test('complex: |z| by default, then phase, real or imaginary part', async ({ page }) => {
  await openKind(page, 'complex');
  const line = page.getByTestId('array-line');
  await expect(line).toHaveAttribute('data-loaded', 'exact');
  await expect(page.getByTestId('stat-note')).toContainText('|z|');
  await expect.poll(async () => Number(await page.getByTestId('stat-max').getAttribute('data-value'))).toBeCloseTo(1, 9);
  await page.getByTestId('array-part').selectOption('real');
  await expect.poll(async () => Number(await page.getByTestId('stat-min').getAttribute('data-value'))).toBeCloseTo(-1, 3);
  await expect(line).toHaveAttribute('data-points', '400');
  await saveScreenshot(page, 'arrays-complex-real');
  await page.getByTestId('array-part').selectOption('phase');
  await expect.poll(async () => Number(await page.getByTestId('stat-max').getAttribute('data-value'))).toBeCloseTo(Math.PI, 1);
  await saveScreenshot(page, 'arrays-complex-phase');
});

test('big-endian: the byte order in words and the right values', async ({ page }) => {
  await openKind(page, 'bigendian');
  await expect(page.getByTestId('array-meta')).toContainText('float64, big-endian');
  const heatmap = page.getByTestId('array-heatmap');
  await expect(heatmap).toHaveAttribute('data-loaded', 'exact');
  expect(await hoverCell(page, 12, 25, 20, 30)).toBe('a[12, 25] = 1225');
  await expectStats(page, join(kindsDir, 'bigendian.npy'), 600);
  await saveScreenshot(page, 'arrays-bigendian');
});

test('bool: two colours and a legend for them', async ({ page }) => {
  await openKind(page, 'bool');
  const heatmap = page.getByTestId('array-heatmap');
  await expect(heatmap).toHaveAttribute('data-loaded', 'exact');
  await expect(page.getByTestId('legend-false')).toBeVisible();
  await expect(page.getByTestId('legend-true')).toBeVisible();
  await expect(page.getByTestId('colour-controls')).toBeHidden();
  // Only the two bool colours (and the odd blend at a cell edge is impossible: no smoothing).
  expect((await heatmapColours(page)).sort()).toEqual(['246,213,92', '43,47,54']);
  expect(await hoverCell(page, 0, 0, 50, 60)).toBe('a[0, 0] = True');
  await saveScreenshot(page, 'arrays-bool');
});

test('empty: says so instead of NaN', async ({ page }) => {
  const viewer = await openKind(page, 'empty');
  await expect(viewer).toHaveAttribute('data-kind', 'empty');
  await expect(page.getByTestId('array-placeholder')).toBeVisible();
  await expect(page.getByTestId('stat-count')).toHaveAttribute('data-value', '0');
  for (const key of ['min', 'max', 'mean', 'std']) await expect(page.getByTestId(`stat-${key}`)).toHaveText('empty');
  await expect(page.getByTestId('stat-note')).toHaveText('The array is empty.');
  await saveScreenshot(page, 'arrays-empty');
});

test('the heatmap zooms in with the wheel and fetches the detail; the colour range and map can be chosen', async ({ page }) => {
  const side = 2000;
  const values = Float32Array.from({ length: side * side }, (_, i) => Math.sin((i % side) / 50) * Math.cos(Math.floor(i / side) / 80));
  values[12345] = 1e9; // one outlier must not wash out the image
  await new NpyClient({ baseUrl: server.url }).uploadArray({ values, shape: [side, side], name: 'big.npy' });
  await openApp(page, server.url, 'arrays');
  await page.getByTestId('array-row').first().click();
  const heatmap = page.getByTestId('array-heatmap');
  // First every n-th value, then refined to the server's overview of blocks.
  await expect(heatmap).toHaveAttribute('data-loaded', 'overview');
  await expect(page.getByTestId('heatmap-note')).toContainText('each the mean of a block');
  expect(Number(await page.getByTestId('legend-max').getAttribute('data-value'))).toBeLessThan(2);
  expect((await heatmapColours(page)).length).toBeGreaterThan(50);
  await saveScreenshot(page, 'arrays-heatmap-large');

  const canvas = page.getByTestId('heatmap-canvas');
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 20; i++) await page.mouse.wheel(0, -100);
  await expect(heatmap).toHaveAttribute('data-loaded', 'exact');
  const [rows] = (await heatmap.getAttribute('data-window'))!.split(',');
  const [r0, r1] = rows!.split(':').map(Number);
  expect(r1! - r0!).toBeLessThan(200);
  expect((await heatmap.getAttribute('data-y-ticks'))!.split(',').every((t) => Number(t) >= r0! && Number(t) <= r1!)).toBe(true);
  await page.getByTestId('colour-map').selectOption('magma');
  await page.getByTestId('colour-range').selectOption('fixed');
  await page.getByTestId('colour-min').fill('-0.5');
  await page.getByTestId('colour-min').dispatchEvent('change');
  await expect(page.getByTestId('legend-min')).toHaveAttribute('data-value', '-0.5');
  await saveScreenshot(page, 'arrays-heatmap-zoomed');
  await canvas.dblclick();
  await expect(heatmap).toHaveAttribute('data-window', '0:2000,0:2000');
});

test('uploads numpy files, newest first, and plots them', async ({ page }) => {
  await openApp(page, server.url, 'arrays');
  await expect(page.getByTestId('array-empty')).toBeVisible();
  await page.getByTestId('upload-input').setInputFiles([ONE_D]);
  await expect(page.locator('[data-testid="upload-item"][data-status="done"]')).toHaveCount(1);
  await page.getByTestId('upload-input').setInputFiles([TWO_D]);
  const items = page.getByTestId('upload-item');
  await expect(items).toHaveCount(2);
  await expect(items.nth(0)).toHaveAttribute('data-name', 'f8_fortran.npy');
  await expect(items.nth(0)).toHaveAttribute('data-status', 'done');
  await expect(items.nth(1).getByTestId('upload-progress')).toHaveJSProperty('value', 1);

  const rows = page.getByTestId('array-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('(1000,)');
  await expect(rows.nth(1)).toContainText('(4, 6)');
  const viewer = page.getByTestId('array-viewer');
  await rows.nth(0).click();
  await expect(viewer).toHaveAttribute('data-kind', 'line');
  await expect(page.getByTestId('array-line')).toHaveAttribute('data-points', '1000');
  await expectStats(page, ONE_D, 1000);
  await saveScreenshot(page, 'arrays-line');

  await rows.nth(1).click();
  await expect(viewer).toHaveAttribute('data-kind', 'heatmap');
  await expect(page.getByTestId('array-heatmap')).toHaveAttribute('data-image-size', '4x6');
  await expectStats(page, TWO_D, 24);
  await page.getByTestId('array-mode').selectOption('rows');
  await expect(viewer).toHaveAttribute('data-kind', 'rows');
  await expect(page.getByTestId('array-line')).toHaveAttribute('data-series', '4');
});

test('keeps title, meta, stats and Delete visible in an 800 × 600 window', async ({ page }) => {
  await page.setViewportSize({ width: 800, height: 600 });
  const viewer = await openKind(page, 'cube');
  await expect(page.getByTestId('array-heatmap')).toHaveAttribute('data-loaded', 'exact');
  for (const id of ['array-title', 'array-meta', 'array-stats', 'array-delete', 'stat-mean']) {
    const box = (await page.getByTestId(id).boundingBox())!;
    expect(box.x + box.width, id).toBeLessThanOrEqual(800);
    expect(box.y + box.height, id).toBeLessThanOrEqual(600);
  }
  // One line each, not a word per line.
  expect((await page.getByTestId('array-title').boundingBox())!.height).toBeLessThan(30);
  expect((await page.getByTestId('array-meta').boundingBox())!.height).toBeLessThan(24);
  expect((await page.getByTestId('stat-mean').boundingBox())!.height).toBeLessThan(24);
  expect(Number((await page.getByTestId('heatmap-canvas').boundingBox())!.width)).toBeGreaterThan(200);
  await expect(viewer).toBeVisible();
  await saveScreenshot(page, 'arrays-800x600');
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
  // Newest first: the list is the chosen files in reverse.
  for (const [i, reason] of [...reasons].reverse().entries()) {
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
