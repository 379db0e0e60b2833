import { readFile } from 'node:fs/promises';
import type { Locator, Page } from '@playwright/test';
import type { WorkspaceStats } from '../renderer/src/app/workspaceStats.js';
import { openApp, saveScreenshot } from './support/app.js';
import { TestProducer, sinePackets } from './support/producer.js';
import { type TestServer, startTestServer } from './support/servers.js';
import { expect, test } from './support/test.js';

let server: TestServer;
const producers: TestProducer[] = [];
test.afterEach(async () => {
  for (const producer of producers.splice(0)) producer.close();
  await server.dispose();
});

async function producer(channel: string, series: number, n: number): Promise<TestProducer> {
  const made = await new TestProducer(server.url, channel, sinePackets(series, n)).open();
  producers.push(made);
  return made;
}

function workspaceStats(page: Page): Promise<WorkspaceStats> {
  return page.evaluate(
    () => JSON.parse(JSON.stringify((globalThis as unknown as { __npyWorkspace: WorkspaceStats }).__npyWorkspace)) as WorkspaceStats,
  );
}

const panel = (page: Page, kind: string): Locator => page.locator(`[data-testid="workspace-panel"][data-kind="${kind}"]`);

async function addPanel(page: Page, kind: string): Promise<Locator> {
  await page.getByTestId('workspace-add-kind').selectOption(kind);
  await page.getByTestId('workspace-add').click();
  return panel(page, kind).last();
}

async function expandChannel(page: Page, channel: string): Promise<void> {
  const entry = page.locator(`[data-testid="channel"][data-channel="${channel}"]`);
  await expect(entry).toBeVisible();
  const toggle = entry.locator('.disclosure');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
}

async function dragSeries(page: Page, series: string, target: Locator): Promise<void> {
  await page.locator(`[data-testid="series-item"][data-series="${series}"]`).dragTo(target.locator('.panel-body'));
  await expect(target.locator(`[data-testid="series-chip"][data-series="${series}"]`)).toBeVisible();
}

test.describe('workspace', () => {
  test.beforeEach(async () => {
    server = await startTestServer();
  });

  test('a layout dragged together from two channels: two y axes, XY, spectrum, waterfall; reload and export/import keep it', async ({
    page,
    browser,
  }) => {
    test.setTimeout(240_000);
    const imu = await producer('imu', 2, 50);
    const wave = await producer('wave', 1, 64);
    imu.run(50);
    wave.run(50);
    await openApp(page, server.url, 'workspace' as 'live');
    await expandChannel(page, 'imu');
    await expandChannel(page, 'wave');

    const time = await addPanel(page, 'time');
    await dragSeries(page, 'imu[0]', time);
    await dragSeries(page, 'wave[0]', time);
    await time.locator('[data-testid="series-chip"][data-series="wave[0]"] [data-testid="series-axis"]').click();
    await expect(time.locator('[data-testid="series-chip"][data-series="wave[0]"]')).toHaveAttribute('data-axis', 'right');
    const xy = await addPanel(page, 'xy');
    await dragSeries(page, 'imu[0]', xy);
    await dragSeries(page, 'imu[1]', xy);
    const spectrum = await addPanel(page, 'spectrum');
    await dragSeries(page, 'imu[1]', spectrum);
    const image = await addPanel(page, 'image');
    await dragSeries(page, 'wave[0]', image);

    await expect
      .poll(async () => (await workspaceStats(page)).panels.map((p) => [p.kind, p.series.join(' '), p.pointsShown > 0]))
      .toEqual([
        ['time', 'imu[0] wave[0]', true],
        ['xy', 'imu[0] imu[1]', true],
        ['spectrum', 'imu[1]', true],
        ['image', 'wave[0]', true],
      ]);
    for (const kind of ['time', 'xy', 'spectrum', 'image'])
      await panel(page, kind).screenshot({ path: `e2e/artifacts/workspace-${kind}.png` });
    await saveScreenshot(page, 'workspace');
    const before = (await workspaceStats(page)).panels.map((p) => [p.id, p.kind, p.series]);

    // A reload restores the same panels from the autosave.
    await page.reload();
    await expect(page.locator('body[data-ready="true"]')).toBeAttached();
    await expect.poll(async () => (await workspaceStats(page)).panels.map((p) => [p.id, p.kind, p.series])).toEqual(before);
    await expect(panel(page, 'time').locator('[data-testid="series-chip"][data-series="wave[0]"]')).toHaveAttribute('data-axis', 'right');

    // An exported layout imported into a fresh page (empty storage) gives the same panels.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('workspace-layout-export').click()]);
    const exported = JSON.parse(await readFile(await download.path(), 'utf8')) as { format: string; panels: unknown[] };
    expect(exported.format).toBe('npy-studio-layout');
    expect(exported.panels).toHaveLength(4);
    const fresh = await (await browser.newContext()).newPage();
    await openApp(fresh, server.url, 'workspace' as 'live');
    expect((await workspaceStats(fresh)).panels).toEqual([]);
    await fresh.getByTestId('workspace-layout-import').setInputFiles(await download.path());
    await expect.poll(async () => (await workspaceStats(fresh)).panels.map((p) => [p.id, p.kind, p.series])).toEqual(before);
    await expect.poll(async () => (await workspaceStats(fresh)).panels.every((p) => p.pointsShown > 0)).toBe(true);
    await fresh.context().close();
  });
});
