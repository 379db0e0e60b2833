import { existsSync } from 'node:fs';
import type { LaunchOptions } from '@playwright/test';

/** Debian's chromium when installed (no browser download needed), else Playwright's own. */
const SYSTEM_CHROMIUM = '/usr/bin/chromium';

export const chromiumLaunchOptions: LaunchOptions = existsSync(SYSTEM_CHROMIUM)
  ? {
      executablePath: SYSTEM_CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
    }
  : {};
