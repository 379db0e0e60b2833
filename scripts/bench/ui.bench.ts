/**
 * The UI figures of `npm run bench`, run by Playwright's runner (`playwright.config.ts` in this
 * folder): live-view frame times at 10 kHz with a 100,000-point window, and array first-draw times.
 * Runs under Playwright rather than tsx, whose keepNames helpers would leak into injected page code.
 */
import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Page, test } from '@playwright/test';
import WebSocket from 'ws';
import { typedArrayToNpy } from '../../common/npy/typed.js';
import { type TestServer, startTestServer } from '../../e2e/support/servers.js';
import { median, percentile, report, round } from './stats.js';
import { writeNpyFile } from './npyFile.js';

interface PageGlobals {
  __npyStudioStats: { framesDrawn: number; pointsShown: number };
  requestAnimationFrame(callback: (time: number) => void): number;
}

let server: TestServer;
let scratch: string;
test.beforeAll(async () => {
  server = await startTestServer();
  scratch = await mkdtemp(join(tmpdir(), 'npy-bench-ui-'));
});
test.afterAll(async () => {
  await server.dispose();
  await rm(scratch, { recursive: true, force: true });
});

async function openUi(page: Page, tab: string): Promise<void> {
  await page.goto(`${server.url}/#${tab}`);
  await page.locator('body[data-ready="true"]').waitFor({ state: 'attached' });
}

test('live view: frame times at 10 kHz with a 100,000-point window', async ({ page }) => {
  test.setTimeout(60_000);
  const publisher = new WebSocket(`${server.url.replace('http', 'ws')}/ws/publish?channel=ui`);
  await new Promise((resolve) => publisher.once('message', resolve));
  const packet = typedArrayToNpy(new Float64Array(100).map((_, i) => Math.sin(i / 5)));
  const producer = setInterval(() => publisher.send(packet), 10); // 100 packets/s × 100 samples
  try {
    await openUi(page, 'live');
    await page.getByTestId('live-window').selectOption('100000');
    await page.getByTestId('live-channel').fill('ui');
    await page.getByTestId('live-channel').press('Enter');
    // Measure with the window full: that is where drawing costs most.
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).__npyStudioStats.pointsShown >= 100_000, undefined, {
      timeout: 40_000,
    });
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
    report({
      figure: 'ui_live_view_100k_points_10kHz',
      frame_p50_ms: round(percentile(sample.deltas, 50)),
      frame_p95_ms: round(percentile(sample.deltas, 95)),
      chart_redraws_per_s: round(sample.redraws / sample.seconds),
      target_p95_ms: 16.7,
      note: 'headless Chromium, software rendering (no GPU)',
    });
  } finally {
    clearInterval(producer);
    publisher.close();
  }
});

for (const [figure, shape, target] of [
  ['ui_array_1e6_line', [1_000_000], 500],
  ['ui_array_2000x2000_heatmap', [2000, 2000], undefined],
] as const) {
  test(`array viewer: first draw of ${figure}`, async ({ page }) => {
    test.setTimeout(60_000);
    const path = join(scratch, `${figure}.npy`);
    await writeNpyFile(path, shape.reduce((a: number, b: number) => a * b, 1) * 8, [...shape]);
    const form = new FormData();
    form.append('file', await openAsBlob(path), `${figure}.npy`);
    const { index } = (await (await fetch(`${server.url}/upload`, { method: 'POST', body: form })).json()) as { index: number };
    const times: number[] = [];
    for (let run = 0; run < 3; run++) {
      await openUi(page, 'arrays');
      const row = page.locator(`[data-testid="array-row"][data-index="${index}"]`);
      await row.waitFor();
      const started = performance.now();
      await row.click();
      await page.locator('[data-testid="array-viewer"][data-state="ready"]').waitFor({ timeout: 30_000 });
      times.push(performance.now() - started);
    }
    report({ figure, shape, first_draw_ms: round(median(times)), runs: 3, target_ms: target });
  });
}
