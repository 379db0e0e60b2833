import { connect } from 'node:net';
import { HANG_MS } from '../helpers/wait.js';

export interface RawResponse {
  /** The status of the response, if one came. */
  readonly status?: number;
  readonly head: string;
  readonly body: string;
  /** Whether the server closed the connection (with or without answering). */
  readonly closed: boolean;
  readonly timedOut: boolean;
  /** The connection could not be made: nothing listens (the server died). */
  readonly refused: boolean;
}

/**
 * Sends `request` as raw bytes (anything, however malformed) and reads one response: until the
 * server closes, the body announced by Content-Length is complete, or a 101 switches protocols. Our side is
 * half-closed after the request, so the server never waits for more of it.
 */
export function rawRequest(port: number, request: string | Uint8Array, timeoutMs = HANG_MS): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let settled = false;
    let refused = false;
    const finish = (closed: boolean, timedOut = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = received.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const head = end < 0 ? text : text.slice(0, end);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1];
      resolve({
        status: status === undefined ? undefined : Number(status),
        head,
        body: end < 0 ? '' : text.slice(end + 4),
        closed,
        timedOut,
        refused,
      });
    };
    const timer = setTimeout(() => finish(false, true), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const text = received.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      if (/^HTTP\/1\.1 101/.test(text)) return finish(false);
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, end))?.[1];
      if (length !== undefined && received.length - Buffer.byteLength(text.slice(0, end + 4), 'latin1') >= Number(length)) finish(false);
      else if (/\r\ntransfer-encoding:\s*chunked/i.test(text.slice(0, end)) && text.endsWith('0\r\n\r\n')) finish(false);
    });
    socket.on('close', () => finish(true));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      refused = err.code === 'ECONNREFUSED';
      finish(true);
    });
    socket.end(request); // half-closed: a truncated request is answered or dropped, not waited on
  });
}

/** The `detail` of a JSON error body, if it has one. */
export function detailOf(response: RawResponse): unknown {
  try {
    return (JSON.parse(response.body) as { detail?: unknown }).detail;
  } catch {
    return undefined;
  }
}
