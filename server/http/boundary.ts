import { type IncomingMessage, type RequestListener, STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../logger.js';
import { requestTarget } from '../net/safeUrl.js';

/** An error as one log line: its name, message and where it was thrown, never a whole stack. */
export function oneLine(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 200);
  const where = /\n\s+at ([^\n]{1,200})/.exec(error.stack ?? '')?.[1];
  return `${error.name}: ${error.message.slice(0, 200).replace(/\s+/g, ' ')}${where ? ` (at ${where})` : ''}`;
}

/**
 * The boundary around every HTTP request, in front of Express: a target no URL parser accepts
 * (Express's router would skip every route for it) is answered 400 here, and a synchronous throw
 * that escapes the app becomes a 400 and one log line. Errors inside routes are Express's errorHandler's.
 */
export function guardRequests(logger: Logger, app: RequestListener): RequestListener {
  return (req, res) => {
    if (!requestTarget(req)) return void sendDetail(res, 400, 'malformed request target');
    try {
      app(req, res);
    } catch (error) {
      logger.warn(`${req.method} request failed: ${oneLine(error)}`);
      if (!res.headersSent) sendDetail(res, 400, 'the server could not process this request');
      else res.destroy();
    }
  };
}

function sendDetail(res: Parameters<RequestListener>[1], status: number, detail: string): void {
  const body = JSON.stringify({ detail });
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
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

/**
 * Closes a connection once no bytes have moved on it for `idleMs` while it waits on the client: a
 * stalled upload, a download the client stopped reading, an idle socket. A slow upload that keeps
 * moving completes however long it takes, and a request the server is still working on (its body all
 * received, nothing waiting to be written, as during an fsync) is left alone.
 */
export function closeIdleConnections(server: Server, idleMs: number): void {
  const working = new WeakMap<Socket, IncomingMessage>();
  server.on('request', (req: IncomingMessage, res) => {
    working.set(req.socket, req);
    res.once('close', () => working.delete(req.socket));
  });
  server.setTimeout(idleMs, (socket: Socket) => {
    const req = working.get(socket);
    if (req?.complete && socket.writableLength === 0) return;
    socket.destroy();
  });
}
