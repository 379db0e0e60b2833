import type { WebSocket, WebSocketServer } from 'ws';
import { type Repeat, repeatWithTimer } from '../schedule.js';

/**
 * Pings every peer each interval and closes those that did not answer the previous ping: a peer
 * whose machine vanished never sends a close, and would otherwise hold buffers forever.
 */
export function startHeartbeat(sockets: WebSocketServer, intervalMs: number, repeat: Repeat = repeatWithTimer): () => void {
  const answered = new WeakSet<WebSocket>();
  sockets.on('connection', (ws) => {
    answered.add(ws);
    ws.on('pong', () => answered.add(ws));
  });
  return repeat(intervalMs, () => {
    for (const ws of sockets.clients) {
      if (!answered.has(ws)) {
        ws.terminate();
        continue;
      }
      answered.delete(ws);
      ws.ping();
    }
  });
}
