import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { NpyClient } from '../client/index.js';
import type { LiveStats } from '../renderer/src/app/liveStats.js';
import { liveStats, openApp, saveScreenshot } from './support/app.js';
import { type TestServer, startTestServer } from './support/servers.js';
import { expect, test } from './support/test.js';

let server: TestServer;
test.afterEach(async () => {
  await server.dispose();
});

/** Opens the live view connected to the demo channel and starts the demo. */
async function startDemo(page: Page): Promise<void> {
  await openApp(page, server.url, 'live');
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-value', 'open');
  await page.getByTestId('live-start').click();
  await expect(page.getByTestId('status-streaming')).toHaveAttribute('data-value', 'true');
}

test.describe('demo stream', () => {
  test.beforeEach(async () => {
    server = await startTestServer({ streamRate: 50, pointsPerPacket: 100 });
  });

  test('start fills the chart; stop ends the packets', async ({ page }) => {
    await startDemo(page);
    await expect.poll(async () => (await liveStats(page)).pointsShown).toBeGreaterThan(2_000);
    expect(await liveStats(page)).toMatchObject({ lost: 0, dropped: 0, series: 1, paused: false });
    // The points may all have come before the first frame; the chart keeps drawing as more arrive.
    await expect.poll(async () => (await liveStats(page)).framesDrawn).toBeGreaterThan(1);
    await expect(page.getByTestId('live-chart-signal')).toHaveAttribute('data-series-count', '1');
    await expect.poll(async () => Number(await page.getByTestId('status-packets').getAttribute('data-value'))).toBeGreaterThan(0);
    await saveScreenshot(page, 'live');

    await page.getByTestId('live-stop').click();
    // The server sends the stopped status after its last packet, on the same socket.
    await expect(page.getByTestId('status-streaming')).toHaveAttribute('data-value', 'false');
    // Stopped means every packet the server made reached the page, and the server makes no more:
    // the page's count meets the server's, and the server's channel is no longer streaming.
    const demo = () => server.hub.list().find((c) => c.name === 'demo')!;
    expect(demo().streaming).toBe(false);
    await expect.poll(async () => (await liveStats(page)).packets).toBe(demo().packets);
    expect(demo().streaming).toBe(false);
  });

  test('pause freezes the view while packets keep arriving; CSV holds exactly the points shown', async ({ page }) => {
    await startDemo(page);
    await expect.poll(async () => (await liveStats(page)).pointsShown).toBeGreaterThan(1_000);

    await page.getByTestId('live-pause').click();
    await expect(page.getByTestId('live-pause')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('status-paused')).toBeVisible();
    const frozen = await liveStats(page);
    await expect.poll(async () => (await liveStats(page)).packets).toBeGreaterThan(frozen.packets + 20);
    const later = await liveStats(page);
    expect(later.framesDrawn).toBe(frozen.framesDrawn);
    expect(later.pointsShown).toBe(frozen.pointsShown);
    await saveScreenshot(page, 'live-paused');

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('live-export-csv').click()]);
    expect(csv.suggestedFilename()).toMatch(/^demo-.*\.csv$/);
    const lines = (await readFile(await csv.path(), 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toBe('sample,x,y,rolling_mean,rolling_std');
    expect(lines).toHaveLength(frozen.pointsShown + 1);

    const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('live-export-png').click()]);
    expect(png.suggestedFilename()).toMatch(/^demo-.*\.png$/);
    expect((await readFile(await png.path())).subarray(1, 4).toString()).toBe('PNG');

    await page.getByTestId('live-pause').click();
    await expect.poll(async () => (await liveStats(page)).framesDrawn).toBeGreaterThan(frozen.framesDrawn);
    expect((await liveStats(page)).paused).toBe(false);
  });

  test('zooming pauses on the zoomed range; reset zoom shows the whole window', async ({ page }) => {
    await startDemo(page);
    await page.getByTestId('live-window').selectOption('5000');
    await expect.poll(async () => (await liveStats(page)).pointsShown).toBe(5_000);

    const box = (await page.getByTestId('live-canvas-signal').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let tick = 0; tick < 5; tick++) await page.mouse.wheel(0, -100);
    await expect.poll(async () => (await liveStats(page)).pointsShown).toBeLessThan(4_000);
    expect((await liveStats(page)).paused).toBe(true);
    await saveScreenshot(page, 'live-zoomed');

    await page.getByTestId('live-reset-zoom').click();
    await expect.poll(async () => (await liveStats(page)).pointsShown).toBe(5_000);
  });

  test('clear empties the view and the counters', async ({ page }) => {
    await startDemo(page);
    await expect.poll(async () => (await liveStats(page)).pointsShown).toBeGreaterThan(0);
    await page.getByTestId('live-stop').click();
    await expect(page.getByTestId('status-streaming')).toHaveAttribute('data-value', 'false');
    await page.getByTestId('live-clear').click();
    await expect.poll(() => liveStats(page)).toMatchObject({ packets: 0, pointsShown: 0, lastSeq: null });
    await expect(page.getByTestId('status-packets')).toHaveAttribute('data-value', '0');
  });
});

test('a channel of shape (k, n) draws k lines with a legend', async ({ page }) => {
  server = await startTestServer();
  const client = new NpyClient({ baseUrl: server.url });
  await openApp(page, server.url, 'live');
  await page.getByTestId('live-channel').fill('multi');
  await page.getByTestId('live-channel').press('Enter');
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-value', 'open');

  const n = 50;
  let packet = 0;
  const publish = async () => {
    const y = Float64Array.from({ length: 3 * n }, (_, i) => Math.floor(i / n) + Math.sin((packet * n + (i % n)) / 10));
    packet++;
    await client.postPacket('multi', y, [3, n]);
  };
  await expect
    .poll(async () => {
      await publish();
      return (await liveStats(page)).series;
    })
    .toBe(3);
  for (let i = 0; i < 20; i++) await publish();
  await expect.poll(async () => (await liveStats(page)).pointsShown).toBeGreaterThanOrEqual(20 * n);
  const chart = page.getByTestId('live-chart-signal');
  await expect(chart).toHaveAttribute('data-series-count', '3');
  await expect(chart).toHaveAttribute('data-legend', 'y[0]|y[1]|y[2]');
  expect((await liveStats(page)).lost).toBe(0);
  await saveScreenshot(page, 'live-multi-series');
});

/** The page's globals this file reads (the e2e tests are type-checked without the DOM library). */
interface FrameCountingPage {
  __animationFrames: number;
  __npyStudioStats: LiveStats;
  requestAnimationFrame(callback: () => void): number;
}

/** Makes the page count its animation frames from its start: a callback that reschedules itself runs once in each. */
async function countAnimationFrames(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const globals = globalThis as unknown as FrameCountingPage;
    globals.__animationFrames = 0;
    const tick = () => {
      globals.__animationFrames++;
      globals.requestAnimationFrame(tick);
    };
    globals.requestAnimationFrame(tick);
  });
}

/** The live view's counters and the animation frames so far, read at one moment. */
function statsAndAnimationFrames(page: Page): Promise<LiveStats & { animationFrames: number }> {
  return page.evaluate(() => {
    const globals = globalThis as unknown as FrameCountingPage;
    return { ...globals.__npyStudioStats, animationFrames: globals.__animationFrames };
  });
}

// How fast it draws at 10 kHz is a bench figure (scripts/bench/workspace.bench.ts: live_view_frame_ms);
// here: that a 100,000-point window fills at that rate with nothing lost and at most one redraw per animation frame.
test('fills a 100,000-point window at 10 kHz with nothing lost, drawing at most once per animation frame', async ({ page }) => {
  server = await startTestServer({ streamRate: 100, pointsPerPacket: 100 });
  await countAnimationFrames(page);
  await openApp(page, server.url, 'live');
  await page.getByTestId('live-window').selectOption('100000');
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-value', 'open');
  await page.getByTestId('live-start').click();
  await expect.poll(async () => (await liveStats(page)).pointsShown).toBe(100_000);

  const before = await statsAndAnimationFrames(page);
  await expect.poll(async () => (await liveStats(page)).packets).toBeGreaterThan(before.packets + 200);
  await expect.poll(async () => (await liveStats(page)).framesDrawn).toBeGreaterThan(before.framesDrawn);
  const after = await statsAndAnimationFrames(page);
  // At most one redraw per animation frame, however many packets arrive in it (and however fast frames come).
  expect(after.framesDrawn - before.framesDrawn).toBeLessThanOrEqual(after.animationFrames - before.animationFrames);
  expect(after).toMatchObject({ lost: 0, dropped: 0, pointsShown: 100_000 });
});
