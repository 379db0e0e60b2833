import { readFileSync } from 'node:fs';
import { NpyClient } from '../client/index.js';
import { FIXTURES, liveStats, openApp, saveScreenshot } from './support/app.js';
import { type TestServer, startTestServer } from './support/servers.js';
import { expect, test } from './support/test.js';

let first: TestServer;
let second: TestServer;
const TOKEN = 'lab-secret';

async function upload(server: TestServer, ...fixtures: string[]): Promise<void> {
  const client = new NpyClient({ baseUrl: server.url, token: server.token });
  for (const name of fixtures) await client.uploadFile({ body: readFileSync(`${FIXTURES}valid/${name}`), name });
}

test.beforeEach(async () => {
  first = await startTestServer();
  // The UI is served by the first server, so the second must allow that origin; it wants a token, as a remote server does.
  second = await startTestServer({ allowedOrigins: [first.url], token: TOKEN });
  await upload(first, 'f8_1000.npy');
  await upload(second, 'f8_fortran.npy', 'i4_le.npy');
});
test.afterEach(async () => {
  await Promise.all([first.dispose(), second.dispose()]);
});

test('switches to another server: its arrays, its stream, and remembered as recent', async ({ page }) => {
  await openApp(page, first.url, 'arrays');
  await expect(page.getByTestId('array-row')).toHaveCount(1);
  await expect(page.getByTestId('array-row')).toContainText('f8_1000.npy');

  await page.getByTestId('tab-connection').click();
  await expect(page.getByTestId('connection-current-url')).toHaveText(first.url);
  await expect(page.getByTestId('connection-health')).toHaveAttribute('data-state', 'ok');
  await page.getByTestId('connection-url-input').fill(second.url.replace('http://', ''));
  await page.getByTestId('connection-connect').click();
  await expect(page.getByTestId('connection-current-url')).toHaveText(second.url);
  await expect(page.getByTestId('connection-health')).toHaveAttribute('data-state', 'error');
  await expect(page.getByTestId('connection-health')).toContainText('missing or invalid token');

  await page.getByTestId('connection-url-input').fill(second.url);
  await page.getByTestId('connection-token-input').fill(TOKEN);
  await page.getByTestId('connection-connect').click();
  await expect(page.getByTestId('connection-health')).toHaveAttribute('data-state', 'ok');
  await expect(page.getByTestId('connection-arrays')).toHaveAttribute('data-value', '2');
  await expect(page.getByTestId('server-badge')).toHaveAttribute('data-state', 'ok');
  await expect(page.getByTestId('connection-recent-item')).toHaveText([new RegExp(second.url), new RegExp(first.url)]);
  expect(new URL(page.url()).searchParams.get('server')).toBe(second.url);
  await saveScreenshot(page, 'connection');

  await page.getByTestId('tab-arrays').click();
  await expect(page.getByTestId('array-row')).toHaveCount(2);
  await expect(page.getByTestId('array-row').nth(0)).toContainText('f8_fortran.npy');
  await expect(page.getByTestId('array-row').nth(1)).toContainText('i4_le.npy');

  await page.getByTestId('tab-live').click();
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-value', 'open');
  await page.getByTestId('live-start').click();
  await expect.poll(async () => (await liveStats(page)).packets).toBeGreaterThan(0);
  expect(second.hub.demo.streaming).toBe(true);
  expect(first.hub.demo.streaming).toBe(false);
});

test('?server= picks the server at startup, with the token in its address', async ({ page }) => {
  await openApp(page, first.url, 'arrays', `?server=${encodeURIComponent(`${second.url}/?token=${TOKEN}`)}`);
  await expect(page.getByTestId('array-row')).toHaveCount(2);
  await expect(page.getByTestId('server-badge-url')).toHaveText(second.url.replace('http://', ''));

  // After a reload with only ?server=URL, the token remembered for that server is used.
  await openApp(page, first.url, 'arrays', `?server=${encodeURIComponent(second.url)}`);
  await expect(page.getByTestId('array-row')).toHaveCount(2);
});

test("a token-protected server's own UI, opened with ?token= as the server prints it, needs nothing else", async ({ page }) => {
  await openApp(page, second.url, 'arrays', `?token=${TOKEN}`);
  await expect(page.getByTestId('array-row')).toHaveCount(2);
  await page.getByTestId('tab-live').click();
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-value', 'open');
});

test('says so when a server cannot be reached, and refuses a malformed URL', async ({ page }) => {
  await openApp(page, first.url, 'connection');
  await page.getByTestId('connection-url-input').fill('ftp://example.org');
  await page.getByTestId('connection-connect').click();
  await expect(page.getByTestId('connection-error')).toContainText('http');
  await expect(page.getByTestId('connection-current-url')).toHaveText(first.url);

  const unreachable = 'http://127.0.0.1:9';
  await page.getByTestId('connection-url-input').fill(unreachable);
  await page.getByTestId('connection-connect').click();
  await expect(page.getByTestId('connection-health')).toHaveAttribute('data-state', 'error');
  await expect(page.getByTestId('connection-health')).toContainText('Cannot reach the server');
  await expect(page.getByTestId('server-badge')).toHaveAttribute('data-state', 'error');
  await saveScreenshot(page, 'connection-unreachable');

  await page.getByTestId('tab-arrays').click();
  await expect(page.getByTestId('array-list-error')).toContainText('Cannot reach the server');
  await page.getByTestId('tab-live').click();
  await expect(page.getByTestId('status-connection')).not.toHaveAttribute('data-value', 'open');
});
