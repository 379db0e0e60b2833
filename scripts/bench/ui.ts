import { execFileSync } from 'node:child_process';
import { existsSync, openAsBlob } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';
import { typedArrayToNpy } from '../../common/npy/typed.js';
import { chromiumLaunchOptions } from '../../e2e/support/browser.js';
import { PACKAGE_ROOT, RENDERER_DIR } from '../../server/version.js';
import type { ServerProcess } from '../../test/helpers/serverProcess.js';
import { median, percentile, report, round } from './stats.js';
import { writeNpyFile } from './transfer.js';

interface PageGlobals {
  __npyStudioStats: { framesDrawn: number; packets: number; pointsShown: number };
  requestAnimationFrame(callback: (time: number) => void): number;
}

/** The UI must be built for the server to serve it. */
function ensureRendererBuilt(): void {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) execFileSync('npx', ['vite', 'build'], { cwd: PACKAGE_ROOT, stdio: 'ignore' });
}

/**
 * Live view at 10 kHz input (100 packets/s × 100 samples) with a 100,000-point window: frame
 * times from requestAnimationFrame over 5 s, and chart redraws per second.
 */
async function liveViewFrames(server: ServerProcess, page: import('@playwright/test').Page): Promise<void> {
  const publisher = new WebSocket(`${server.url.replace('http', 'ws')}/ws/publish?channel=ui`);
  await new Promise((resolve) => publisher.once('message', resolve));
  const packet = typedArrayToNpy(new Float64Array(100).map((_, i) => Math.sin(i / 5)));
  const producer = setInterval(() => publisher.send(packet), 10);

  await page.goto(`${server.url}/#live`);
  await page.locator('body[data-ready="true"]').waitFor({ state: 'attached' });
  await page.getByTestId('live-window').selectOption('100000');
  await page.getByTestId('live-channel').fill('ui');
  await page.getByTestId('live-channel').press('Enter');
  // Fill the window first: the cost is in drawing a full one.
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).__npyStudioStats.pointsShown >= 100_000, undefined, { timeout: 30_000 });

  const sample = await page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals;
    const framesBefore = g.__npyStudioStats.framesDrawn;
    return new Promise<{ deltas: number[]; redraws: number; seconds: number }>((resolve) => {
      const deltas: number[] = [];
      let first = 0;
      let last = 0;
      const tick = (time: number) => {
        if (last) deltas.push(time - last);
        else first = time;
        last = time;
        if (time - first < 5000) g.requestAnimationFrame(tick);
        else resolve({ deltas, redraws: g.__npyStudioStats.framesDrawn - framesBefore, seconds: (time - first) / 1000 });
      };
      g.requestAnimationFrame(tick);
    });
  });
  clearInterval(producer);
  publisher.close();
  report({
    figure: 'ui_live_view_100k_points_10kHz',
    frame_p50_ms: round(percentile(sample.deltas, 50), 1),
    frame_p95_ms: round(percentile(sample.deltas, 95), 1),
    chart_redraws_per_s: round(sample.redraws / sample.seconds, 1),
    target_p95_ms: 16.7,
    note: 'headless Chromium, software rendering (no GPU)',
  });
}

/** Time from clicking an array in the list to the viewer reporting it drawn, median of 3. */
async function arrayFirstDraw(server: ServerProcess, page: import('@playwright/test').Page, scratch: string, figure: string, shape: number[]): Promise<void> {
  const path = join(scratch, `${figure}.npy`);
  const count = shape.reduce((a, b) => a * b, 1);
  await writeNpyFile(path, count * 8, shape);
  const form = new FormData();
  form.append('file', await openAsBlob(path), `${figure}.npy`);
  const { index } = (await (await fetch(`${server.url}/upload`, { method: 'POST', body: form })).json()) as { index: number };
  const times: number[] = [];
  for (let run = 0; run < 3; run++) {
    await page.goto(`${server.url}/#arrays`);
    await page.locator('body[data-ready="true"]').waitFor({ state: 'attached' });
    const row = page.locator(`[data-testid="array-row"][data-index="${index}"]`);
    await row.waitFor();
    const started = performance.now();
    await row.click();
    await page.locator('[data-testid="array-viewer"][data-state="ready"]').waitFor({ timeout: 60_000 });
    times.push(performance.now() - started);
  }
  report({ figure, shape, first_draw_ms: round(median(times)), target_ms: figure.includes('1e6') ? 500 : undefined });
}

export async function benchUi(server: ServerProcess, scratch: string): Promise<void> {
  ensureRendererBuilt();
  const browser = await chromium.launch(chromiumLaunchOptions);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await liveViewFrames(server, page);
    await arrayFirstDraw(server, page, scratch, 'ui_array_1e6_line', [1_000_000]);
    await arrayFirstDraw(server, page, scratch, 'ui_array_2000x2000_heatmap', [2000, 2000]);
  } finally {
    await browser.close();
  }
}
