export interface PortChoice<T> {
  value: T;
  /** Ports tried before the one that worked, each already in use. */
  busyPorts: number[];
}

export class PortsBusyError extends Error {}

/**
 * Calls `start(port)` on `firstPort`, then on the following ports while it fails with EADDRINUSE,
 * at most `attempts` times. Port 0 lets the OS pick, so it is tried once.
 */
export async function startOnFreePort<T>(start: (port: number) => Promise<T>, firstPort: number, attempts = 10): Promise<PortChoice<T>> {
  const lastPort = firstPort === 0 ? 0 : Math.min(firstPort + attempts - 1, 65535);
  const busyPorts: number[] = [];
  for (let port = firstPort; port <= lastPort; port++) {
    try {
      return { value: await start(port), busyPorts };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      busyPorts.push(port);
    }
  }
  throw new PortsBusyError(
    firstPort === lastPort
      ? `port ${firstPort} is already in use; pick another with --port`
      : `ports ${firstPort}-${lastPort} are all in use; pick another with --port`,
  );
}

/** "port 8000 was busy", or undefined when the first port worked. */
export function busyPortsNote(busyPorts: readonly number[]): string | undefined {
  if (busyPorts.length === 0) return undefined;
  if (busyPorts.length === 1) return `port ${busyPorts[0]} was busy`;
  return `ports ${busyPorts[0]}-${busyPorts.at(-1)} were busy`;
}
