import WebSocket from 'ws';
import { type Random, mutate, seededRandom } from './mutate.js';
import { HANG_MS } from '../helpers/wait.js';

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Malformed or hostile client messages: broken JSON, wrong types, odd actions, junk and mutated `.npy` bytes. */
function malformedMessage(random: Random, seeds: readonly Uint8Array[]): string | Uint8Array {
  const templates: (() => string | Uint8Array)[] = [
    () => '{"action": "start"'.slice(0, Math.floor(random() * 18)),
    () => JSON.stringify({ action: pick(random, ['launch', '', null, 42, ['start'], { start: 1 }, 'START', 'stop ']) }),
    () => JSON.stringify({ action: 'start', binary: pick(random, ['yes', 1, null, [], {}]) }),
    () => JSON.stringify(pick(random, [null, 1, 'start', [], [1, 2], true])),
    () => JSON.stringify({ y: pick(random, [[], [[]], [[1], [1, 2]], ['a'], [{}], 'y', null, [Number.POSITIVE_INFINITY], [[1, 2], 3]]) }),
    () => JSON.stringify({ y: [1, 2], x: pick(random, [[1], 'x', [null, 2], {}]), timestamp: pick(random, ['now', [], null, {}]) }),
    () => JSON.stringify({ y: [1, 2, 3], extra: 1 }),
    () => '['.repeat(1 + Math.floor(random() * 5000)),
    () => `{"y": [${'1,'.repeat(Math.floor(random() * 1000))}1]}`.replace(/,1]/, pick(random, [',1]', ',]', ',"NaN"]', ',NaN]'])),
    () => new Uint8Array(Math.floor(random() * 256)).map(() => Math.floor(random() * 256)),
    () => mutate(seeds, random),
    () => String.fromCharCode(...Array.from({ length: 64 }, () => Math.floor(random() * 0xffff))),
  ];
  return pick(random, templates)();
}

export interface WsFuzzResult {
  messages: number;
  /** Replies of any kind: error, pong, status; a message accepted as a valid packet gets none. */
  replies: number;
  errors: number;
  /** Mutated `.npy` packets that were still valid and so were published (and came back as data). */
  published: number;
  /** Sockets the server closed: it must close none for malformed content. */
  closed: number;
  failures: string[];
}

/**
 * Sends `count` malformed messages over a subscriber and a publisher socket, then checks both are
 * still open and answer a ping.
 */
export async function fuzzWebSockets(baseUrl: string, seeds: readonly Uint8Array[], count: number, seed = 1): Promise<WsFuzzResult> {
  const random = seededRandom(seed);
  const ws = baseUrl.replace(/^http/, 'ws');
  const result: WsFuzzResult = { messages: 0, replies: 0, errors: 0, published: 0, closed: 0, failures: [] };
  const sockets = await Promise.all(
    [`${ws}/ws/stream?channel=fuzz`, `${ws}/ws/publish?channel=fuzz`].map(
      (url) =>
        new Promise<WebSocket>((resolve, reject) => {
          const socket = new WebSocket(url);
          socket.on('message', (data, isBinary) => {
            if (isBinary) return;
            result.replies++;
            const { type } = JSON.parse(String(data)) as { type: string };
            if (type === 'error') result.errors++;
            if (type === 'data') result.published++;
          });
          socket.on('close', () => result.closed++);
          socket.once('open', () => resolve(socket));
          socket.once('error', reject);
        }),
    ),
  );
  for (let i = 0; i < count; i++) {
    const socket = sockets[i % 2]!;
    socket.send(malformedMessage(random, seeds));
    result.messages++;
    if (i % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  for (const [i, socket] of sockets.entries()) {
    const pong = new Promise<boolean>((resolve) => {
      const answer = (answered: boolean) => {
        clearTimeout(timer);
        resolve(answered);
      };
      // A socket the server closed will never answer: no need to wait out the deadline.
      if (socket.readyState !== WebSocket.OPEN) return resolve(false);
      const timer = setTimeout(() => answer(false), HANG_MS);
      socket.once('close', () => answer(false));
      socket.on('message', (data, isBinary) => {
        if (!isBinary && (JSON.parse(String(data)) as { type: string }).type === 'pong') answer(true);
      });
    });
    socket.send(JSON.stringify({ action: 'ping' }));
    if (!(await pong)) result.failures.push(`socket ${i} did not answer a ping after the fuzz`);
  }
  // Closes the server made itself were counted before ours; ours are waited for, not guessed with a sleep.
  const serverCloses = result.closed;
  await Promise.all(sockets.map((socket) => new Promise((resolve) => socket.once('close', resolve).close())));
  result.closed = serverCloses;
  if (result.closed !== 0) result.failures.push(`the server closed ${result.closed} socket(s)`);
  if (result.errors + result.published !== result.messages) {
    result.failures.push(`${result.messages} messages got ${result.errors} errors and ${result.published} publications`);
  }
  return result;
}
