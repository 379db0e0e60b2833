import { test as base } from '@playwright/test';

/**
 * Playwright's `test`, failing any test whose page threw an uncaught error or had something
 * refused by its Content Security Policy (which would break the desktop app the same way).
 */
// eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- Playwright's type for a fixture that yields no value
export const test = base.extend<{ pageProblems: void }>({
  pageProblems: [
    async ({ page }, use) => {
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) problems.push(message.text());
      });
      await use();
      base.expect(problems).toEqual([]);
    },
    { auto: true },
  ],
});

export { expect } from '@playwright/test';
