import { type FileHandle, open } from 'node:fs/promises';

/**
 * Appends records to a file, one `writev` in flight while the next batch queues, and fsyncs at least once per
 * `syncMs`. What is queued is bounded: past `maxQueuedBytes` a record is refused (counted as lost) rather than held.
 * `durable` reports, per key, the last value whose record is known to be on disk.
 */
export class LogWriter<K> {
  private queue: { bytes: Buffer; key: K; value: number }[] = [];
  private queuedBytes = 0;
  private writing?: Promise<void>;
  private readonly written = new Map<K, number>();
  readonly durable = new Map<K, number>();
  bytes = 0;
  lost = 0;
  private timer?: ReturnType<typeof setInterval>;
  private failure?: Error;

  private constructor(
    private readonly handle: FileHandle,
    private readonly maxQueuedBytes: number,
    syncMs: number,
  ) {
    this.timer = setInterval(() => void this.sync().catch(() => {}), syncMs);
  }

  static async open<K>(path: string, maxQueuedBytes = 256 * 2 ** 20, syncMs = 500): Promise<LogWriter<K>> {
    return new LogWriter<K>(await open(path, 'a'), maxQueuedBytes, syncMs);
  }

  /** Queues a record; false (and counted as lost) when the disk has fallen too far behind or failed. */
  append(bytes: Buffer, key: K, value: number): boolean {
    if (this.failure || this.queuedBytes + bytes.length > this.maxQueuedBytes) {
      this.lost++;
      return false;
    }
    this.queue.push({ bytes, key, value });
    this.queuedBytes += bytes.length;
    this.bytes += bytes.length;
    this.writing ??= this.drain();
    return true;
  }

  get error(): Error | undefined {
    return this.failure;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        await this.handle.writev(batch.map((r) => r.bytes));
        for (const record of batch) {
          this.queuedBytes -= record.bytes.length;
          this.written.set(record.key, record.value);
        }
      }
    } catch (err) {
      this.failure = err as Error;
      this.lost += this.queue.length;
      this.queue = [];
    } finally {
      this.writing = undefined;
    }
  }

  /** Fsyncs what has been written so far and advances `durable` to it (records still queued wait for the next sync). */
  async sync(): Promise<void> {
    const done = new Map(this.written);
    await this.handle.datasync();
    for (const [key, value] of done) this.durable.set(key, value);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    while (this.writing) await this.writing;
    await this.sync();
    await this.handle.close();
  }
}
