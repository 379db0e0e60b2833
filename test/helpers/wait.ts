/**
 * How long a test waits for an event before calling it a hang. Only a deadline, never a measure: a
 * machine busy with other work (a CPU hog, a parallel build) may take many seconds to deliver.
 */
export const HANG_MS = 120_000;

/** Polls for a condition the event loop will make true; fails after `timeoutMs` rather than hanging. */
export async function until(condition: () => boolean, timeoutMs = HANG_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A server heartbeat that never comes round within a test. For tests that stop reading a socket on purpose: a peer
 * that does not read does not answer pings either, and the default 30 s heartbeat would close it as dead.
 */
export const BEYOND_HANG_HEARTBEAT_MS = 10 * HANG_MS;
