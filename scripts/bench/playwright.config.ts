import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from '../../e2e/support/browser.js';

/** Runs ui.bench.ts for `npm run bench`; kept apart from the e2e suite, which `npm test` runs. */
export default defineConfig({
  testDir: '.',
  testMatch: ['ui.bench.ts', 'workspace.bench.ts'],
  outputDir: '../../test-results/bench',
  workers: 1,
  reporter: 'line',
  use: { viewport: { width: 1280, height: 800 }, launchOptions: chromiumLaunchOptions, browserName: 'chromium' },
});
