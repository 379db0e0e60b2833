import { defineConfig } from 'vitest/config';
import { HANG_MS } from './test/helpers/wait.js';

export default defineConfig({
  test: {
    include: ['{common,server,client,cli,main,renderer,test}/**/*.test.ts'],
    environment: 'node',
    // Deadlines only for hangs: tests wait on events, and a machine busy with other work may be slow to send them.
    testTimeout: 300_000,
    hookTimeout: 180_000,
    // expect.poll waits for an event too (test/helpers/wait.ts HANG_MS): its 1 s default is a measure of load.
    expect: { poll: { timeout: HANG_MS } },
    // Two cores: keep parallel servers and Python subprocesses from starving each other.
    maxWorkers: 2,
  },
});
