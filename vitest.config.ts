import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{common,server,client,cli,main,renderer,test}/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: keep parallel servers and Python subprocesses from starving each other.
    maxWorkers: 2,
  },
});
