import { readFile, writeFile } from 'node:fs/promises';
import type { Locator, Page } from '@playwright/test';
import { NpyClient } from '../client/index.js';
import type { WorkspaceStats } from '../renderer/src/app/workspaceStats.js';
import { openApp, saveScreenshot } from './support/app.js';
import { TestProducer, sinePackets, timedPackets } from './support/producer.js';
import { DEFAULT_LOOKBACK } from '../server/stream/history.js';
import { type TestServer, startTestServer } from './support/servers.js';
import { expect, test } from './support/test.js';

// The page draws several charts per frame: on a loaded 2-core machine a step can take seconds.

let server: TestServer;
const producers: TestProducer[] = [];
test.beforeEach(async () => {
  server = await startTestServer();
});
test.afterEach(async () => {
  for (const producer of producers.splice(0)) producer.close();
  await server.dispose();
});

/** A producer of k sine series × n samples; `run` it or `send` packet by packet. */
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

/** Waits for a redraw with new data that starts after now: the plot worker has drawn what the panels report. */
async function redrawn(page: Page): Promise<void> {
  const before = (await workspaceStats(page)).framesWithNewData;
  await expect.poll(async () => (await workspaceStats(page)).framesWithNewData).toBeGreaterThan(before + 1);
}

const panelsOf = async (page: Page) => (await workspaceStats(page)).panels.map((p) => [p.id, p.kind, p.series.join(' ')]).sort();
const panel = (page: Page, kind: string): Locator => page.locator(`[data-testid="workspace-panel"][data-kind="${kind}"]`);

async function openWorkspace(page: Page, layout?: unknown): Promise<void> {
  await openApp(page, server.url, 'workspace', layout ? `?layout=${encodeURIComponent(JSON.stringify(layout))}` : '');
}

async function addPanel(page: Page, kind: string): Promise<Locator> {
  await page.getByTestId('workspace-add-kind').selectOption(kind);
  await page.getByTestId('workspace-add').click();
  return panel(page, kind).last();
}

async function expandChannel(page: Page, channel: string): Promise<void> {
  const toggle = page.locator(`[data-testid="channel"][data-channel="${channel}"] .disclosure`);
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
}

async function dragSeries(page: Page, series: string, target: Locator): Promise<void> {
  await page.locator(`[data-testid="series-item"][data-series="${series}"]`).dragTo(target.locator('.panel-body'));
  await expect(target.locator(`[data-testid="series-chip"][data-series="${series}"]`)).toBeVisible();
}

const time = (...series: [string, number][]) => ({ kind: 'time', series: series.map(([channel, s]) => ({ channel, series: s })) });

/** One panel of each type, on a 2-series channel `imu` and a 1-D channel `wave`. */
const EVERY_PANEL_TYPE = [
  time(['imu', 0], ['imu', 1]),
  { kind: 'xy', x: { channel: 'imu', series: 0 }, y: { channel: 'imu', series: 1 } },
  { kind: 'spectrum', series: [{ channel: 'imu', series: 1 }] },
  { kind: 'stats', series: [{ channel: 'imu', series: 0 }] },
  { kind: 'image', channel: 'wave' },
  { kind: 'value', series: [{ channel: 'imu', series: 1 }] },
];

test('a layout dragged together from two channels: time plot with two y axes, XY, spectrum, waterfall; a reload restores it', async ({
  page,
}) => {
  const imu = await producer('imu', 2, 50);
  const wave = await producer('wave', 1, 64);
  imu.run(100);
  wave.run(100);
  await openWorkspace(page);
  await expandChannel(page, 'imu');
  await expandChannel(page, 'wave');

  const timePlot = await addPanel(page, 'time');
  await dragSeries(page, 'imu[0]', timePlot);
  await dragSeries(page, 'wave[0]', timePlot);
  await timePlot.locator('[data-series="wave[0]"] [data-testid="series-axis"]').click();
  await expect(timePlot.locator('[data-testid="series-chip"][data-series="wave[0]"]')).toHaveAttribute('data-axis', 'right');
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
  await redrawn(page);
  for (const kind of ['time', 'xy', 'spectrum', 'image'])
    await panel(page, kind).screenshot({ path: `e2e/artifacts/workspace-${kind}.png` });
  await saveScreenshot(page, 'workspace');

  const before = await panelsOf(page);
  await page.reload();
  await expect(page.locator('body[data-ready="true"]')).toBeAttached();
  await expect.poll(() => panelsOf(page)).toEqual(before);
  await expect(panel(page, 'time').locator('[data-series="wave[0]"]')).toHaveAttribute('data-axis', 'right');
});

test('zoom in one panel moves every time panel; follow latest returns; the hover cursor reads in all of them', async ({ page }) => {
  const imu = await producer('imu', 2, 50);
  imu.run(100);
  await openWorkspace(page, {
    panels: [
      time(['imu', 0]),
      time(['imu', 1]),
      { kind: 'stats', series: [{ channel: 'imu', series: 0 }] },
      { kind: 'value', series: [{ channel: 'imu', series: 1 }] },
    ],
  });
  await expect.poll(async () => (await workspaceStats(page)).panels.every((p) => p.pointsShown > 0)).toBe(true);
  await redrawn(page);
  await saveScreenshot(page, 'workspace-grid');
  await panel(page, 'stats').screenshot({ path: 'e2e/artifacts/workspace-stats.png' });
  await panel(page, 'value').screenshot({ path: 'e2e/artifacts/workspace-value.png' });

  const canvas = panel(page, 'time').first().getByTestId('panel-canvas');
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let tick = 0; tick < 3; tick++) await page.mouse.wheel(0, -100);
  await expect.poll(async () => (await workspaceStats(page)).follow).toBe(false);
  // Both time panels draw the shared (zoomed) range: a third of the 10 s window or less.
  await expect
    .poll(async () => {
      const stats = await workspaceStats(page);
      const [a, b] = stats.panels.filter((p) => p.kind === 'time').map((p) => p.xRange!);
      return a!.min === b!.min && a!.max === b!.max && a!.min === stats.range.min && a!.max - a!.min < 10 * 0.7;
    })
    .toBe(true);
  await expect(page.getByTestId('view-workspace')).toHaveAttribute('data-follow', 'false');

  // The cursor under the pointer shows the same time in both time panels' readouts. Each try moves the pointer
  // again (by a pixel), so a move that came before the panels had settled is not the only one the page sees.
  let nudge = 0;
  await expect
    .poll(async () => {
      await page.mouse.move(box.x + box.width / 3 + (nudge++ % 2), box.y + box.height / 2);
      const readouts = (await workspaceStats(page)).panels.filter((p) => p.kind === 'time').map((p) => p.readout.split(' ')[0]);
      return readouts[0] === readouts[1] && /^-?\d/.test(readouts[0]!); // seconds from the zero: negative before it
    })
    .toBe(true);

  await page.mouse.move(0, 0);
  await page.locator('body').press('f');
  await expect.poll(async () => (await workspaceStats(page)).follow).toBe(true);
  await page.getByTestId('workspace-pause').click();
  await expect(page.getByTestId('view-workspace')).toHaveAttribute('data-paused', 'true');
  const frozen = await workspaceStats(page);
  await expect.poll(async () => (await workspaceStats(page)).packets).toBeGreaterThan(frozen.packets + 5);
  const later = await workspaceStats(page);
  expect(later.framesWithNewData).toBe(frozen.framesWithNewData);
  expect(later.range).toEqual(frozen.range);
});

test('an exported layout imported into a fresh page gives the same panels; a hand-edited one loads what it can', async ({
  page,
  browser,
}) => {
  await openWorkspace(page, { axis: { format: 'clock' }, panels: [time(['later', 0]), { kind: 'image', channel: 'later' }] });
  // A channel that is not there yet: the panels wait, then fill when it appears.
  await expect.poll(async () => (await workspaceStats(page)).panels.map((p) => p.waiting)).toEqual([true, true]);
  await expect(panel(page, 'time').getByTestId('panel-waiting')).toHaveText('waiting for later');
  const later = await producer('later', 1, 32);
  // Driven packet by packet: one more for each look, until both panels show data.
  await expect
    .poll(async () => {
      later.send(1);
      return (await workspaceStats(page)).panels.every((p) => !p.waiting && p.pointsShown > 0);
    })
    .toBe(true);
  const before = await panelsOf(page);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('workspace-layout-export').click()]);
  const path = await download.path();
  const exported = JSON.parse(await readFile(path, 'utf8')) as { format: string; axis: { format: string }; panels: unknown[] };
  expect(exported).toMatchObject({ format: 'npy-studio-layout', axis: { format: 'clock' } });
  expect(exported.panels).toHaveLength(2);

  const context = await browser.newContext();
  const fresh = await context.newPage();
  await openWorkspace(fresh);
  expect((await workspaceStats(fresh)).panels).toEqual([]);
  await fresh.getByTestId('workspace-layout-import').setInputFiles(path);
  await expect.poll(() => panelsOf(fresh)).toEqual(before);
  await expect(fresh.getByTestId('workspace-time-format')).toHaveValue('clock');

  // Hand-edited: an unknown panel type and a field of the wrong type are skipped and named.
  const edited = `${path}.edited.json`;
  await writeFile(
    edited,
    JSON.stringify({ panels: [{ kind: 'radar' }, { kind: 'spectrum', series: 'all' }, { kind: 'value', series: [{ channel: 'later' }] }] }),
  );
  await fresh.getByTestId('workspace-layout-import').setInputFiles(edited);
  await expect.poll(async () => (await workspaceStats(fresh)).panels.map((p) => p.kind)).toEqual(['value']);
  await expect(fresh.getByTestId('workspace-note')).toContainText('unknown panel type "radar"');
  await expect(fresh.getByTestId('workspace-note')).toContainText('panel 2 (spectrum)');
  await context.close();
});

test('a panel opened in the middle of a run asks for lookback and is full at once', async ({ page }) => {
  // A server keeping history for an hour, not 60 s: however slow the page is to subscribe, the history is still there.
  await server.dispose();
  server = await startTestServer({ lookback: { ...DEFAULT_LOOKBACK, seconds: 3600 } });
  const start = Math.floor(Date.now() / 1000) - 20;
  const imu = await new TestProducer(
    server.url,
    'imu',
    timedPackets(2, 50, start, 0.5, (k, s) => k * (s + 1)),
  ).open();
  producers.push(imu);
  imu.send(30);
  await imu.flush();
  // No packet is sent from here on: whatever the panels show came as history.
  await openWorkspace(page, { axis: { window: { size: 600, unit: 's' } }, panels: [time(['imu', 0])] });
  await expect.poll(async () => (await workspaceStats(page)).packets).toBe(30);
  expect((await workspaceStats(page)).pointsKept).toBe(30 * 50 * 2);
  // The panel shows them on its next frame, drawn when the page gets to it.
  await expect.poll(async () => (await workspaceStats(page)).panels[0]!.pointsShown).toBeGreaterThan(0);
  // A panel added later shows the same history at once: the store already holds it.
  await addPanel(page, 'value');
  await page.getByTestId('panel-picker').last().fill('imu[1]');
  await page.getByTestId('panel-picker').last().press('Enter');
  await expect.poll(async () => (await workspaceStats(page)).panels.find((p) => p.kind === 'value')?.readout).toContain(String(1499 * 2));
  expect((await workspaceStats(page)).packets).toBe(30);
});

/** The readout of a panel of one kind. */
const readoutOf = (stats: WorkspaceStats, kind: string) => stats.panels.find((p) => p.kind === kind)!.readout;

test('record, stop, open the recording from Arrays, play it and scrub: every panel follows the timeline', async ({ page }) => {
  // imu: 2 series of 50 samples per packet, wave: 64; one packet every 0.5 s of their own clock (100 Hz, 128 Hz).
  // Whole numbers, so every value shown can be told exactly.
  const start = Math.floor(Date.now() / 1000) - 60;
  const value = (k: number, s: number) => Math.round(1000 * Math.sin(k / (40 + 25 * s)) + 300 * s);
  const imu = await new TestProducer(server.url, 'imu', timedPackets(2, 50, start, 0.5, value)).open();
  const wave = await new TestProducer(
    server.url,
    'wave',
    timedPackets(1, 64, start, 0.5, (k) => value(k % 64, 0) * Math.cos(k / 900)),
  ).open();
  producers.push(imu, wave);
  const window = 4;
  await openWorkspace(page, {
    axis: { window: { size: window, unit: 's' } },
    panels: EVERY_PANEL_TYPE,
  });

  // Record: elapsed time and size come from the server while it runs.
  const record = page.getByTestId('workspace-record');
  await expect(record).toBeEnabled();
  await record.click();
  await expect(record).toHaveAttribute('aria-pressed', 'true');
  const status = page.getByTestId('workspace-record-status');
  const id = (await status.getAttribute('data-id'))!;
  imu.send(40);
  wave.send(40);
  await Promise.all([imu.flush(), wave.flush()]);
  const client = new NpyClient({ baseUrl: server.url });
  await expect.poll(async () => (await client.getRecording(id)).packets).toBe(80);
  await expect.poll(async () => Number(await status.getAttribute('data-value'))).toBeGreaterThan(0);
  await expect(status).toHaveText(/^\d+:\d\d · [\d.]+ (KiB|MiB)$/);
  await record.click();
  await expect(record).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByTestId('workspace-note')).toContainText('Recorded');

  // Arrays lists its arrays under the recording, with Play.
  await page.getByTestId('tab-arrays').click();
  const group = page.locator(`[data-testid="array-group"][data-group="${id}"]`);
  await expect(group).toContainText('imu, wave');
  await expect(page.getByTestId('array-row')).toHaveCount(8);
  await saveScreenshot(page, 'arrays-recording');
  await group.getByTestId('array-group-play').click();
  await expect(page.getByTestId('view-workspace')).toBeVisible();
  await expect(page.getByTestId('playback-bar')).toBeVisible();
  await expect(page.getByTestId('view-workspace')).toHaveAttribute('data-playback', 'true');

  // It opens paused at its end: every panel shows the whole run, as live did when it stopped.
  await expect.poll(async () => (await workspaceStats(page)).playback?.time).toBeGreaterThan(start);
  const opened = (await workspaceStats(page)).playback!;
  expect(opened).toMatchObject({ recording: id, start, playing: false, speed: 1, time: opened.end });
  expect(opened.end).toBeCloseTo(start + 19.5 + 63 / 128, 6);

  /** What every panel shows at `seconds` into the recording: the packets that had arrived by then. */
  const expected = (seconds: number) => {
    const imuSamples = 50 * (Math.floor((seconds - 0.49) / 0.5) + 1);
    const wavePackets = Math.floor((seconds - 63 / 128) / 0.5) + 1;
    const firstVisible = Math.max(0, Math.ceil((seconds - window) * 100));
    const last = imuSamples - 1;
    const visible = Array.from({ length: imuSamples - firstVisible }, (_, i) => value(firstVisible + i, 0));
    return {
      stats: new RegExp(`imu\\.y\\[0\\] \\S+ \\S+ ${Math.min(...visible)} ${Math.max(...visible)} ${visible.length}$`),
      value: `${value(last, 1)}`,
      xy: `x ${value(last, 0)} · y ${value(last, 1)}`,
      image: `${wavePackets} packets × 64`,
    };
  };
  const scrubTo = async (seconds: number) => {
    await page.getByTestId('playback-scrub').fill(String(seconds));
    await expect.poll(async () => (await workspaceStats(page)).playback!.time - start).toBeCloseTo(seconds, 6);
    const want = expected(seconds);
    await expect
      .poll(async () => {
        const stats = await workspaceStats(page);
        const at = stats.playback!.time;
        return {
          range: stats.panels
            .filter((p) => p.kind === 'time')
            .map((p) => Math.abs(p.xRange!.max - at) < 1e-6 && Math.abs(p.xRange!.max - p.xRange!.min - window) < 1e-6),
          stats: want.stats.test(readoutOf(stats, 'stats')),
          value: readoutOf(stats, 'value').endsWith(` ${want.value}`),
          xy: readoutOf(stats, 'xy'),
          image: readoutOf(stats, 'image'),
          spectrum: stats.panels.find((p) => p.kind === 'spectrum')!.pointsShown > 0,
        };
      })
      .toEqual({ range: [true], stats: true, value: true, xy: want.xy, image: want.image, spectrum: true });
    return workspaceStats(page);
  };

  const partial = await scrubTo(2.205);
  const spectrumPartial = partial.panels.find((p) => p.kind === 'spectrum')!.pointsShown;
  const full = await scrubTo(15.205);
  await saveScreenshot(page, 'workspace-playback');
  // A full window gives the spectrum more samples than the run's first 2.2 s did.
  expect(full.panels.find((p) => p.kind === 'spectrum')!.pointsShown).toBeGreaterThan(spectrumPartial);
  await scrubTo(5.205); // back in time

  // The hover cursor shows the recorded values: the samples nearest it, as the server stored them.
  const arrays = new Map((await client.getRecording(id)).arrays.map((a) => [a.name, a.index]));
  const recordedT = (await client.getArray(arrays.get('imu/t')!)).values as Float64Array;
  const recordedY = (await client.getArray(arrays.get('imu/y')!)).values as Float64Array;
  const samples = recordedT.length;
  const canvas = panel(page, 'time').getByTestId('panel-canvas');
  const box = (await canvas.boundingBox())!;
  let nudge = 0;
  await expect
    .poll(async () => {
      await page.mouse.move(box.x + box.width / 2 + (nudge++ % 2), box.y + box.height / 2);
      const stats = await workspaceStats(page);
      if (stats.hover === undefined) return 'no hover';
      let nearest = 0;
      for (let i = 1; i < samples; i++)
        if (Math.abs(recordedT[i]! - stats.hover) < Math.abs(recordedT[nearest]! - stats.hover)) nearest = i;
      const readout = readoutOf(stats, 'time');
      return readout.includes(`imu.y[0] ${recordedY[nearest]}`) && readout.includes(`imu.y[1] ${recordedY[samples + nearest]}`)
        ? 'recorded values'
        : readout;
    })
    .toBe('recorded values');
  await page.mouse.move(0, 0);

  // Play (Space) at a tenth of the speed: the timeline moves on from where it was; Space pauses it.
  await page.getByTestId('playback-speed').selectOption('0.1');
  await page.getByTestId('playback-scrub').press(' ');
  await expect.poll(async () => (await workspaceStats(page)).playback!.time - start).toBeGreaterThan(5.3);
  expect((await workspaceStats(page)).playback).toMatchObject({ speed: 0.1 });
  await page.locator('body').press(' ');
  await expect.poll(async () => (await workspaceStats(page)).playback!.playing).toBe(false);

  // Back to live: the live feeds return.
  await page.getByTestId('playback-leave').click();
  await expect(page.getByTestId('playback-bar')).toBeHidden();
  await expect.poll(async () => (await workspaceStats(page)).playback).toBeUndefined();
  for (const channel of ['imu', 'wave'])
    await expect(page.locator(`[data-testid="feed-state"][data-channel="${channel}"]`)).toHaveAttribute('data-value', 'open');
  imu.send(1);
  await expect.poll(async () => readoutOf(await workspaceStats(page), 'xy')).toBe(`x ${value(2049, 0)} · y ${value(2049, 1)}`);
});

/**
 * A downloaded PNG, decoded by the page: its size, how many colours it has (a blank or failed export
 * has one or two), and how many of its pixels are within 8 per channel of each of `near` (`#rrggbb`).
 */
async function pngColours(
  page: Page,
  path: string,
  near: string[] = [],
): Promise<{ width: number; height: number; colours: number; near: number[] }> {
  const bytes = [...(await readFile(path))];
  // The e2e code is type-checked without the DOM library: just what runs in the page, typed here.
  interface Bitmap {
    width: number;
    height: number;
  }
  interface PageCanvas {
    getContext(kind: '2d'): {
      drawImage(image: Bitmap, x: number, y: number): void;
      getImageData(...box: number[]): { data: Uint8ClampedArray };
    };
  }
  interface PageGlobals {
    createImageBitmap(blob: Blob): Promise<Bitmap>;
    OffscreenCanvas: new (width: number, height: number) => PageCanvas;
  }
  const targets = near.map((hex) => [1, 3, 5].map((at) => Number.parseInt(hex.slice(at, at + 2), 16)));
  return page.evaluate(
    async ({ bytes, targets }) => {
      const g = globalThis as unknown as PageGlobals;
      const image = await g.createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/png' }));
      const context = new g.OffscreenCanvas(image.width, image.height).getContext('2d');
      context.drawImage(image, 0, 0);
      const rgba = context.getImageData(0, 0, image.width, image.height).data;
      const pixels = new Uint32Array(rgba.buffer);
      const near = targets.map(([r, g, b]) => {
        let count = 0;
        for (let i = 0; i < rgba.length; i += 4)
          if (Math.abs(rgba[i]! - r!) <= 8 && Math.abs(rgba[i + 1]! - g!) <= 8 && Math.abs(rgba[i + 2]! - b!) <= 8) count++;
        return count;
      });
      return { width: image.width, height: image.height, colours: new Set(pixels).size, near };
    },
    { bytes, targets },
  );
}

test('every panel type and the whole workspace save as a PNG of what they show', async ({ page }) => {
  const imu = await producer('imu', 2, 50);
  const wave = await producer('wave', 1, 64);
  imu.run(100);
  wave.run(100);
  await openWorkspace(page, { panels: EVERY_PANEL_TYPE });
  await expect.poll(async () => (await workspaceStats(page)).panels.every((p) => p.pointsShown > 0)).toBe(true);
  await redrawn(page);
  for (const kind of ['time', 'xy', 'spectrum', 'stats', 'image', 'value']) {
    const [download] = await Promise.all([page.waitForEvent('download'), panel(page, kind).getByTestId('panel-export-png').click()]);
    expect(download.suggestedFilename(), kind).toMatch(/\.png$/);
    // The time plot's two series in their colours (the first two of the palette): its lines are drawn, not only its axes.
    const png = await pngColours(page, (await download.path())!, kind === 'time' ? ['#4da3ff', '#ff9f40'] : []);
    expect(png.width, kind).toBeGreaterThan(50);
    expect(png.colours, `${kind} PNG colours`).toBeGreaterThan(3);
    for (const [s, pixels] of png.near.entries()) expect(pixels, `time plot pixels of series ${s}'s colour`).toBeGreaterThan(20);
  }
  const [whole] = await Promise.all([page.waitForEvent('download'), page.getByTestId('workspace-export-png').click()]);
  expect((await pngColours(page, (await whole.path())!)).colours).toBeGreaterThan(3);
});
