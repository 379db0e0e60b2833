import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{common,server,client,cli,main,renderer,test}/**/*.test.ts'],
    environment: 'node',
    // Deadlines only for hangs: tests wait on events, and a machine busy with other work may be slow to send them.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Two cores: keep parallel servers and Python subprocesses from starving each other.
    maxWorkers: 2,
  },
});
