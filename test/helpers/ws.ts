/** A `ws` client that queues what the server sends, so tests can wait for messages in order. */
import WebSocket from 'ws';
import { HANG_MS } from './wait.js';

export type Received = { kind: 'text'; text: string; message: Record<string, unknown> } | { kind: 'binary'; data: Uint8Array };

export class TestClient {
  readonly received: Received[] = [];
  private cursor = 0;
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (isBinary) this.received.push({ kind: 'binary', data: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) });
      else {
        const text = buf.toString('utf8');
        this.received.push({ kind: 'text', text, message: JSON.parse(text) as Record<string, unknown> });
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static async connect(baseUrl: string, query = ''): Promise<TestClient> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws/stream${query}`);
    const client = new TestClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next received item after those already taken that satisfies `match`; others before it are skipped. */
  async next(match: (r: Received) => boolean = () => true, timeoutMs = HANG_MS): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.cursor < this.received.length) {
        const item = this.received[this.cursor++]!;
        if (match(item)) return item;
      }
      if (this.closed) throw new Error('socket closed while waiting for a message');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.texts())}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The next JSON message of `type`. */
  async nextOfType(type: string, timeoutMs = HANG_MS): Promise<Record<string, unknown>> {
    const item = await this.next((r) => r.kind === 'text' && r.message.type === type, timeoutMs);
    return (item as Extract<Received, { kind: 'text' }>).message;
  }

  /** The next JSON message whatever its type (binary frames are skipped). */
  async nextMessage(timeoutMs = HANG_MS): Promise<Record<string, unknown>> {
    const item = await this.next((r) => r.kind === 'text', timeoutMs);
    return (item as Extract<Received, { kind: 'text' }>).message;
  }

  async nextBinary(timeoutMs = HANG_MS): Promise<Uint8Array> {
    const item = await this.next((r) => r.kind === 'binary', timeoutMs);
    return (item as Extract<Received, { kind: 'binary' }>).data;
  }

  /** Skips everything received so far. */
  drain(): void {
    this.cursor = this.received.length;
  }

  messages(): Record<string, unknown>[] {
    return this.received.flatMap((r) => (r.kind === 'text' ? [r.message] : []));
  }

  texts(): string[] {
    return this.received.slice(-5).map((r) => (r.kind === 'text' ? r.text.slice(0, 200) : `<binary ${r.data.length}>`));
  }

  async close(): Promise<void> {
    if (this.closed || this.socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}
