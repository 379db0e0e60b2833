import { type AddressInfo, type Server, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PortsBusyError, busyPortsNote, startOnFreePort } from './ports.js';

const servers: Server[] = [];

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      servers.push(server);
      resolve(server);
    });
  });
}

const portOf = (server: Server) => (server.address() as AddressInfo).port;

/**
 * Listeners on `count` consecutive ports. A port is only known to be free while this test holds it: one probed and
 * closed again may meanwhile be handed to another process.
 */
async function heldPorts(count: number): Promise<Server[]> {
  for (;;) {
    const held = [await listen(0)];
    try {
      while (held.length < count) held.push(await listen(portOf(held[0]!) + held.length));
      return held;
    } catch {
      // A following port is taken (or past 65535); try another run.
      await Promise.all(held.map(close));
    }
  }
}

/** `listen`, which first lets go of the test's own hold on the port, so the port is free just for it. */
function listenOn(reserved: Server[]): (port: number) => Promise<Server> {
  return async (port) => {
    const own = reserved.find((server) => portOf(server) === port);
    if (own) await close(own);
    return listen(port);
  };
}

function close(server: Server): Promise<void> {
  const index = servers.indexOf(server);
  if (index >= 0) servers.splice(index, 1);
  return new Promise((resolve) => server.close(() => resolve()));
}

afterEach(async () => {
  await Promise.all([...servers].map(close));
});

describe('startOnFreePort', () => {
  it('uses the requested port when it is free', async () => {
    const reserved = await heldPorts(1);
    const port = portOf(reserved[0]!);
    const choice = await startOnFreePort(listenOn(reserved), port);
    expect(portOf(choice.value)).toBe(port);
    expect(choice.busyPorts).toEqual([]);
  });

  it('moves to the next port when a real socket holds the requested one', async () => {
    const [busy, reserved] = await heldPorts(2);
    const port = portOf(busy!);
    const choice = await startOnFreePort(listenOn([reserved!]), port);
    expect(portOf(choice.value)).toBe(port + 1);
    expect(choice.busyPorts).toEqual([port]);
    expect(busyPortsNote(choice.busyPorts)).toBe(`port ${port} was busy`);
  });

  it('gives up after the given number of busy ports with a clear error', async () => {
    const port = portOf((await heldPorts(2))[0]!);
    await expect(startOnFreePort(listen, port, 2)).rejects.toThrow(PortsBusyError);
    await expect(startOnFreePort(listen, port, 2)).rejects.toThrow(`ports ${port}-${port + 1} are all in use; pick another with --port`);
    await expect(startOnFreePort(listen, port, 1)).rejects.toThrow(`port ${port} is already in use; pick another with --port`);
  });

  it('tries port 0 once and reports the port the OS picked', async () => {
    const tried: number[] = [];
    const choice = await startOnFreePort((port) => {
      tried.push(port);
      return listen(port);
    }, 0);
    expect(tried).toEqual([0]);
    expect(portOf(choice.value)).toBeGreaterThan(0);
  });

  it('passes other errors through without trying more ports', async () => {
    const tried: number[] = [];
    const failure = Object.assign(new Error('permission denied'), { code: 'EACCES' });
    await expect(
      startOnFreePort((port) => {
        tried.push(port);
        return Promise.reject(failure);
      }, 80),
    ).rejects.toBe(failure);
    expect(tried).toEqual([80]);
  });

  it('never tries past port 65535', async () => {
    const tried: number[] = [];
    const busy = () => Promise.reject(Object.assign(new Error('busy'), { code: 'EADDRINUSE' }));
    await expect(
      startOnFreePort((port) => {
        tried.push(port);
        return busy();
      }, 65534),
    ).rejects.toThrow('ports 65534-65535 are all in use');
    expect(tried).toEqual([65534, 65535]);
  });
});

describe('busyPortsNote', () => {
  it('describes the busy ports, or nothing', () => {
    expect(busyPortsNote([])).toBeUndefined();
    expect(busyPortsNote([8000])).toBe('port 8000 was busy');
    expect(busyPortsNote([8000, 8001, 8002])).toBe('ports 8000-8002 were busy');
  });
});
