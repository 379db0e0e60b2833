/**
 * The cross-process floor for replay timing: a WebSocket server on 127.0.0.1 (port in argv) that sends each connection
 * `count` 8-byte messages, each its own due time (wall-clock seconds), at 1 kHz due times, waiting as the replay waits.
 * It does nothing else, so what its receiver measures is this machine's cost of waking two processes per packet.
 */
import { WebSocketServer } from 'ws';
import { waitWithTimer } from '../../server/record/replay.js';
import { monotonicNow, wallClockOrigin } from '../../server/schedule.js';

const [port, count] = process.argv.slice(2).map(Number) as [number, number];
const origin = wallClockOrigin();
const server = new WebSocketServer({ host: '127.0.0.1', port });
server.on('listening', () => process.stdout.write('listening\n'));
server.on('connection', async (ws) => {
  const start = monotonicNow() + 10;
  const message = new Float64Array(1);
  for (let i = 0; i < count; i++) {
    await waitWithTimer(start + i, monotonicNow).done;
    message[0] = (origin + start + i) / 1000;
    ws.send(message);
  }
});
process.once('SIGTERM', () => process.exit(0));
