/**
 * Grammar-based JSON fuzzing of both sockets: messages built from a JSON grammar with hostile
 * choices at every level (depth, size, escapes, numbers), sometimes cut or corrupted. Every message
 * must get exactly one answer: an error, a pong or a status, or (a valid packet) its data at a subscriber.
 */
import WebSocket from 'ws';
import { type Random, seededRandom } from './mutate.js';
import { HANG_MS } from '../helpers/wait.js';

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const int = (random: Random, below: number) => Math.floor(random() * below);

const NUMBERS = ['0', '-0', '1', '-1', '1.5', '1e308', '1e999', '-1e999', '5e-324', '1e-400', '01', '.5', '1.', '+1', '0x10', '1e', '--1'];
const SPECIALS = ['NaN', 'Infinity', '-Infinity', '"NaN"', '"Infinity"', '"-Infinity"', 'nan', 'inf', '-NaN'];
const ESCAPES = [
  '\\n',
  '\\"',
  '\\\\',
  '\\u0000',
  '\\ud800',
  '\\udc00\\ud800',
  '\\uzzzz',
  '\\x41',
  '\\',
  '\u2028',
  '\u0000',
  '\\/',
  '\u{1f600}',
];

function number(random: Random): string {
  const r = random();
  if (r < 0.5) return String((random() - 0.5) * 10 ** int(random, 20));
  if (r < 0.8) return pick(random, NUMBERS);
  if (r < 0.9) return pick(random, SPECIALS);
  return '9'.repeat(1 + int(random, 400));
}

function string(random: Random): string {
  const parts: string[] = [];
  for (let n = int(random, 6); n > 0; n--) parts.push(random() < 0.5 ? pick(random, ESCAPES) : 'ab'.repeat(int(random, 4)));
  return `"${parts.join('')}"`;
}

/** A JSON-ish value: mostly valid, with hostile picks at each level; `budget` bounds its size. */
function value(random: Random, depth: number, budget: { left: number }): string {
  budget.left--;
  const r = random();
  if (budget.left <= 0 || depth > 40 || r < 0.45) return random() < 0.7 ? number(random) : string(random);
  if (r < 0.5) return pick(random, ['true', 'false', 'null']);
  const items = Array.from({ length: int(random, 6) }, () => value(random, depth + 1, budget));
  if (r < 0.8) return `[${items.join(',')}]`;
  return `{${items.map((item) => `${string(random)}:${item}`).join(',')}}`;
}

/** A y the server should accept: n numbers, or k lists of n, sometimes with Python's bare NaN/Infinity. */
function validY(random: Random): string {
  const n = 1 + int(random, 50);
  const row = () =>
    `[${Array.from({ length: n }, () => (random() < 0.05 ? pick(random, ['NaN', 'Infinity', '-Infinity']) : String(random()))).join(',')}]`;
  return random() < 0.7 ? row() : `[${Array.from({ length: 1 + int(random, 4) }, row).join(',')}]`;
}

const nested = (random: Random, depth: number) =>
  `${'['.repeat(depth)}${random() < 0.5 ? '1' : ''}${']'.repeat(random() < 0.8 ? depth : int(random, depth))}`;

/** A message for `/ws/stream`. */
export function subscriberMessage(random: Random): string {
  const templates: (() => string)[] = [
    () => JSON.stringify({ action: pick(random, ['start', 'stop', 'ping']) }),
    () => `{"action": ${value(random, 0, { left: 30 })}}`,
    () => `{"action": "ping", "binary": ${value(random, 0, { left: 5 })}}`,
    () => `{"action": ${nested(random, int(random, 20_000))}}`,
    () => value(random, 0, { left: 200 }),
    () => `{"action": "${'\\"'.repeat(int(random, 50_000))}`,
  ];
  return corrupt(random, pick(random, templates)());
}

/** A message for `/ws/publish`. */
export function publisherMessage(random: Random): string {
  const templates: (() => string)[] = [
    () => `{"y": ${validY(random)}}`,
    () => `{"y": ${validY(random)}, "timestamp": ${number(random)}}`,
    () => `{"y": ${value(random, 0, { left: 100 })}}`,
    () => `{"y": [${Array.from({ length: 1 + int(random, 20) }, () => number(random)).join(',')}], "x": ${value(random, 0, { left: 20 })}}`,
    () => `{"y": [${nested(random, int(random, 100_000))}]}`,
    () => `{"y": [${'[],'.repeat(int(random, 20_000))}[]]}`,
    () => `{${string(random)}: ${value(random, 0, { left: 20 })}}`,
    () => '{"action": "ping"}',
    () => `"${'\\"'.repeat(int(random, 130_000))}`,
    () => value(random, 0, { left: 500 }),
  ];
  return corrupt(random, pick(random, templates)());
}

/** Sometimes cuts a message short or flips a character. */
function corrupt(random: Random, text: string): string {
  const r = random();
  if (r < 0.08) return text.slice(0, int(random, text.length));
  if (r < 0.12) {
    const at = int(random, text.length);
    return `${text.slice(0, at)}${pick(random, ['"', '[', ']', '{', ',', ':', '\\', '\u0000'])}${text.slice(at + 1)}`;
  }
  return text;
}

export interface JsonFuzzResult {
  messages: number;
  errors: number;
  pongs: number;
  statuses: number;
  published: number;
  /** Packets refused by the channel's rate limit (reported as a count). */
  rateLimited: number;
  failures: string[];
}

/** Opens a socket; with `greeted`, waits for the server's first message too (it may arrive with the handshake). */
function open(url: string, greeted = false): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    if (greeted) socket.once('message', () => resolve(socket));
    else socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * Sends `count` grammar messages, alternating between a publisher and a subscriber of one channel,
 * at most `window` unanswered at a time, and accounts for every one.
 */
export async function fuzzJsonMessages(baseUrl: string, count: number, seed = 1, window = 64): Promise<JsonFuzzResult> {
  const random = seededRandom(seed);
  const ws = baseUrl.replace(/^http/, 'ws');
  const channel = `fuzz-json-${seed}`;
  const result: JsonFuzzResult = { messages: 0, errors: 0, pongs: 0, statuses: 0, published: 0, rateLimited: 0, failures: [] };
  let answered = 0;
  let wake: (() => void) | undefined;
  const answer = (n = 1) => {
    answered += n;
    wake?.();
  };

  const publisher = await open(`${ws}/ws/publish?channel=${channel}`, true); // greeted with its acceptance status
  const subscriber = await open(`${ws}/ws/stream?channel=${channel}`);
  const unexpectedClose = (which: string) => (code: number) => {
    if (result.messages < count) result.failures.push(`the server closed the ${which} socket with ${code}`);
    wake?.();
  };
  publisher.on('close', unexpectedClose('publisher'));
  subscriber.on('close', unexpectedClose('subscriber'));

  const read = (data: WebSocket.RawData, isBinary: boolean): { type?: string; detail?: string } =>
    isBinary ? { type: 'data' } : (JSON.parse(String(data)) as { type?: string; detail?: string });
  publisher.on('message', (data, isBinary) => {
    const message = read(data, isBinary);
    if (message.type === 'pong') result.pongs++;
    else if (message.type !== 'error') return void result.failures.push(`publisher got ${String(data).slice(0, 200)}`);
    const limited = /: (\d+) packet\(s\) dropped$/.exec(message.detail ?? '');
    if (limited) result.rateLimited += Number(limited[1]);
    else if (message.type === 'error') result.errors++;
    answer(limited ? Number(limited[1]) : 1);
  });
  subscriber.on('message', (data, isBinary) => {
    const message = read(data, isBinary);
    if (message.type === 'data') result.published++;
    else if (message.type === 'error') result.errors++;
    else if (message.type === 'pong') result.pongs++;
    else if (message.type === 'status') result.statuses++;
    else return; // a "dropped" notice answers nothing
    answer();
  });

  const waitFor = async (done: () => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!done() && Date.now() < deadline && publisher.readyState === WebSocket.OPEN && subscriber.readyState === WebSocket.OPEN) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 200);
      });
    }
    return done();
  };

  for (let i = 0; i < count; i++) {
    if (publisher.readyState !== WebSocket.OPEN || subscriber.readyState !== WebSocket.OPEN) break;
    const toPublisher = i % 2 === 0;
    (toPublisher ? publisher : subscriber).send(toPublisher ? publisherMessage(random) : subscriberMessage(random));
    result.messages++;
    if (result.messages - answered >= window && !(await waitFor(() => result.messages - answered < window, HANG_MS))) {
      result.failures.push(`no answer to ${result.messages - answered} messages within ${HANG_MS / 1000} s`);
      break;
    }
  }
  if (!(await waitFor(() => answered >= result.messages, HANG_MS))) {
    result.failures.push(`${result.messages} messages got only ${answered} answers`);
  }
  publisher.close();
  subscriber.close();
  return result;
}
