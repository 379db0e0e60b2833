/**
 * Raw-socket fuzzing of what reaches the server before any route: the request line, the headers
 * (Host, Cookie, Origin, Authorization, lengths, encodings) and the WebSocket upgrade path. Requests
 * come from a small grammar of hostile pieces, then some are mutated byte by byte.
 */
import { type Random, seededRandom } from './mutate.js';
import { type RawResponse, rawRequest } from './rawHttp.js';

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const chance = (random: Random, p: number) => random() < p;

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'CONNECT', 'TRACE', 'G\x00T', 'get', 'X'.repeat(300), ''];
const PATHS = [
  '/health',
  '/arrays',
  '/array/0',
  '/array/-1',
  '/array/99999999999999999999',
  '/array/%',
  '/array/%E0%A4%A',
  '/array/0?format=%',
  '/array/0?format=npy',
  '/upload',
  '/streams',
  '/stream/fuzz-raw',
  '/stream/%00',
  '/control/stop',
  '/ws/stream',
  '/ws/stream?channel=fuzz-raw',
  '/ws/stream?channel=%',
  '/ws/stream?channel=' + 'c'.repeat(100),
  '/ws/stream?token=%&token=x',
  '/ws/publish?channel=fuzz-raw',
  '/ws/publish?channel=demo',
  '/ws/publish',
  'http://[/ws/stream',
  'http://localhost/ws/stream',
  'http://evil.test:99999/health',
  'ws://[::1]/ws/stream',
  '*',
  '//',
  '/../../etc/passwd',
  '/%2e%2e/%2e%2e/etc/passwd',
  '/\u00e9\u4e2d',
  '/' + 'a'.repeat(8000),
  '/?' + '&a=%'.repeat(2000),
  '',
  ' ',
  '/health#frag',
];
const VERSIONS = ['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1x', 'HTTP/9', '', 'http/1.1'];
const HOSTS = [
  'localhost',
  'localhost:8000',
  '127.0.0.1',
  '[::1]:1',
  '',
  ' ',
  'a b',
  'localhost:70000',
  'localhost:-1',
  'localhost:',
  '[',
  '[::g]',
  'evil.test',
  'évil.test',
  'user@localhost',
  'localhost/ws',
  'localhost\\',
  'x'.repeat(5000),
  '%',
  '[::1',
  '::1',
];
const HEADER_LINES = [
  () => 'Cookie: npy_studio_token=%',
  () => 'Cookie: npy_studio_token=%E0%A4%A; a=b',
  () => 'Cookie: ;;;=;npy_studio_token',
  () => `Cookie: ${'a=b; '.repeat(500)}`,
  () => 'Authorization: Bearer',
  () => 'Authorization: Bearer ' + 'x '.repeat(2000),
  () => 'Authorization: Basic %%%',
  () => 'Origin: null',
  () => 'Origin: http://evil.test',
  () => 'Origin: http://localhost',
  () => 'Origin: %',
  () => 'Content-Length: -1',
  () => 'Content-Length: 99999999999999999999',
  () => 'Content-Length: 5',
  () => 'Content-Length: 0\r\nContent-Length: 7',
  () => 'Transfer-Encoding: chunked',
  () => 'Transfer-Encoding: gzip, chunked',
  () => 'Content-Type: multipart/form-data',
  () => 'Content-Type: multipart/form-data; boundary=',
  () => 'Content-Type: multipart/form-data; boundary=XYZ',
  () => 'Content-Type: application/x-npy',
  () => 'Content-Type: application/json',
  () => 'Accept: application/x-npy',
  () => 'Connection: Upgrade',
  () => 'Upgrade: websocket',
  () => 'Sec-WebSocket-Version: 13',
  () => 'Sec-WebSocket-Version: 99',
  () => 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
  () => 'Sec-WebSocket-Key: %%%',
  () => 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=99',
  () => 'Sec-WebSocket-Protocol: ,,,',
  () => 'X-No-Colon',
  () => ' folded: continuation',
  () => 'Bad\x00Name: v',
  () => 'X-Nul: a\x00b',
  () => `X-Long: ${'v'.repeat(20_000)}`,
  () => 'Expect: 100-continue',
];
const UPGRADE = ['Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='];
const BODIES = [
  '',
  'hello',
  '0\r\n\r\n',
  'zz\r\nxx\r\n0\r\n\r\n',
  '--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\n\x93NUMPY',
  '{"y": [1]}',
];

/** One request: a grammar pick, sometimes mutated at the byte level afterwards. */
export function rawFuzzRequest(random: Random): Uint8Array {
  const lines = [`${pick(random, METHODS)} ${pick(random, PATHS)} ${pick(random, VERSIONS)}`];
  if (!chance(random, 0.05)) lines.push(`Host: ${pick(random, HOSTS)}`);
  if (chance(random, 0.4)) lines.push(...UPGRADE);
  for (let n = Math.floor(random() * 4); n > 0; n--) lines.push(pick(random, HEADER_LINES)());
  const text = `${lines.join('\r\n')}\r\n\r\n${pick(random, BODIES)}`;
  const bytes = Buffer.from(text, 'latin1');
  if (!chance(random, 0.2)) return bytes;
  const mutated = [...bytes];
  for (let n = 1 + Math.floor(random() * 4); n > 0; n--) {
    const at = Math.floor(random() * mutated.length);
    const kind = Math.floor(random() * 4);
    if (kind === 0) mutated[at] = Math.floor(random() * 256);
    else if (kind === 1) mutated.splice(at, 0, 13, 10);
    else if (kind === 2) mutated.splice(at, 1 + Math.floor(random() * 8));
    else mutated.length = at;
  }
  return Uint8Array.from(mutated);
}

export interface RawFuzzResult {
  requests: number;
  /** Responses by status class (1xx … 4xx), plus connections the server closed without a response. */
  byStatus: Record<string, number>;
  /** A 5xx, a hang, a refused connection (the server is gone): each one is a bug. */
  failures: string[];
}

/** Sends `count` raw requests, `concurrency` connections at a time, each checked for a non-5xx answer. */
export async function fuzzRawRequests(port: number, count: number, seed = 1, concurrency = 16): Promise<RawFuzzResult> {
  const random = seededRandom(seed);
  const result: RawFuzzResult = { requests: 0, byStatus: {}, failures: [] };
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const request = rawFuzzRequest(random);
      const response: RawResponse = await rawRequest(port, request);
      result.requests++;
      const key = response.status === undefined ? (response.timedOut ? 'hung' : 'closed') : `${Math.floor(response.status / 100)}xx`;
      result.byStatus[key] = (result.byStatus[key] ?? 0) + 1;
      if (key === 'hung' || key === '5xx' || response.refused) {
        result.failures.push(
          `raw request ${i}: ${response.refused ? 'connection refused' : key} ${JSON.stringify(Buffer.from(request).toString('latin1').slice(0, 200))} -> ${JSON.stringify(response.head.slice(0, 100))} ${response.body.slice(0, 200)}`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return result;
}
