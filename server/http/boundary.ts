import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import type { Logger } from '../logger.js';

/** An error as one log line: its name, message and where it was thrown, never a whole stack. */
export function oneLine(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 200);
  const where = /\n\s+at ([^\n]{1,200})/.exec(error.stack ?? '')?.[1];
  return `${error.name}: ${error.message.slice(0, 200).replace(/\s+/g, ' ')}${where ? ` (at ${where})` : ''}`;
}

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * The boundary around WebSocket upgrades: a throw becomes a 400 and one log line, and a client that
 * resets its connection mid-upgrade (Node leaves that socket without an error listener) is just closed.
 */
export function guardUpgrade(logger: Logger, handler: UpgradeHandler): UpgradeHandler {
  return (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    try {
      handler(req, socket, head);
    } catch (error) {
      logger.warn(`WebSocket upgrade ${JSON.stringify((req.url ?? '').slice(0, 100))} refused: ${oneLine(error)}`);
      rejectUpgrade(socket, 400, 'this upgrade request could not be processed');
    }
  };
}

/** Answers a refused upgrade with a plain HTTP error carrying the usual `{"detail"}` body. */
export function rejectUpgrade(socket: Duplex, status: number, detail: string): void {
  if (!socket.writable) return;
  const body = JSON.stringify({ detail });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
