import { mkdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Page, expect } from '@playwright/test';
import type { LiveStats } from '../../renderer/src/app/liveStats.js';

export const FIXTURES = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

// The e2e tests are type-checked without the DOM library, so code run in the page reaches its
// globals through `globalThis` with the few types it needs.
interface PageGlobals {
  __npyStudioStats: LiveStats;
  requestAnimationFrame(callback: () => void): number;
  DataTransfer: new () => { items: { add(file: unknown): void } };
  File: new (parts: Uint8Array[], name: string) => unknown;
}

/** Opens the UI served by `serverUrl` on a tab and waits for it to start. */
export async function openApp(
  page: Page,
  serverUrl: string,
  tab: 'live' | 'workspace' | 'arrays' | 'connection' = 'live',
  query = '',
): Promise<void> {
  await page.goto(`${serverUrl}/${query}#${tab}`);
  await expect(page.locator('body[data-ready="true"]')).toBeAttached();
}

/** The live view's counters, read through the page's test hook. */
export function liveStats(page: Page): Promise<LiveStats> {
  return page.evaluate(() => ({ ...(globalThis as unknown as PageGlobals).__npyStudioStats }));
}

/** Drops files on an element, as dragging them from the file manager does. */
export async function dropFiles(page: Page, testId: string, paths: readonly string[]): Promise<void> {
  const files = paths.map((path) => ({ name: basename(path), bytes: [...readFileSync(path)] }));
  const dataTransfer = await page.evaluateHandle((files) => {
    const { DataTransfer, File } = globalThis as unknown as PageGlobals;
    const transfer = new DataTransfer();
    for (const file of files) transfer.items.add(new File([new Uint8Array(file.bytes)], file.name));
    return transfer;
  }, files);
  await page.getByTestId(testId).dispatchEvent('drop', { dataTransfer });
}

/** Saves a screenshot to e2e/artifacts/ for people to look at; tests never compare them. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}${name}.png` });
}
