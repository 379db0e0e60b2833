/** A loopback port that refuses connections for as long as a test holds it. */
import { type Socket, connect, createServer } from 'node:net';

export interface RefusingPort {
  readonly port: number;
  release(): void;
}

/**
 * A closed server's port is free for any process to take (a parallel test's server could be given it), so it proves
 * nothing about refusals. This port is the local end of an open loopback connection: it stays bound, nothing can
 * listen on it, and a connection to it is refused, until `release()`.
 */
export async function refusingPort(): Promise<RefusingPort> {
  const accepted: Socket[] = [];
  const listener = createServer((socket) => accepted.push(socket));
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port: listenerPort } = listener.address() as { port: number };
  const holder = connect(listenerPort, '127.0.0.1');
  await new Promise<void>((resolve, reject) => holder.once('connect', resolve).once('error', reject));
  listener.close();
  return {
    port: holder.localPort!,
    release: () => {
      holder.destroy();
      accepted.forEach((socket) => socket.destroy());
    },
  };
}
