import { type FileHandle, open } from 'node:fs/promises';
import { type Repeat, repeatWithTimer } from '../schedule.js';
import type { EncodedRecord } from './packetLog.js';

/** How often what was appended is written and fsynced: often enough for "durable at least once a second", never per record. */
export const SYNC_MS = 500;
/** Records are written once this much is queued (or at the next sync): a few `writev` calls a second, however many records. */
export const WRITE_BATCH_BYTES = 2 ** 20;

/**
 * Appends records to a file, in `writev` calls of about `WRITE_BATCH_BYTES`, and every `SYNC_MS` writes what is
 * queued and fsyncs it. What is queued is bounded: past `maxQueuedBytes` a record is refused (counted as lost) rather
 * than held. `durable` reports, per key, the last value whose record is known to be on disk.
 */
export class LogWriter<K> {
  private queue: Uint8Array[] = [];
  private queuedKeys: { key: K; value: number; bytes: number }[] = [];
  private queuedBytes = 0;
  private writing?: Promise<void>;
  private syncing?: Promise<void>;
  private readonly written = new Map<K, number>();
  readonly durable = new Map<K, number>();
  bytes = 0;
  lost = 0;
  private readonly stopSyncing: () => void;
  private failure?: Error;

  private constructor(
    private readonly handle: FileHandle,
    private readonly maxQueuedBytes: number,
    repeat: Repeat,
  ) {
    this.stopSyncing = repeat(SYNC_MS, () => void this.sync().catch(() => {}));
  }

  static async open<K>(path: string, repeat: Repeat = repeatWithTimer, maxQueuedBytes = 256 * 2 ** 20): Promise<LogWriter<K>> {
    return new LogWriter<K>(await open(path, 'a'), maxQueuedBytes, repeat);
  }

  /** Queues a record; false (and counted as lost) when the disk has fallen too far behind or failed. */
  append(record: EncodedRecord, key: K, value: number): boolean {
    if (this.failure || this.queuedBytes + record.bytes > this.maxQueuedBytes) {
      this.lost++;
      return false;
    }
    for (const piece of record.pieces) this.queue.push(piece);
    this.queuedKeys.push({ key, value, bytes: record.bytes });
    this.queuedBytes += record.bytes;
    this.bytes += record.bytes;
    if (this.queuedBytes >= WRITE_BATCH_BYTES && !this.writing) this.startDrain(false);
    return true;
  }

  get error(): Error | undefined {
    return this.failure;
  }

  /** Writes what is queued: everything, or while a batch's worth is. */
  private async drain(everything: boolean): Promise<void> {
    let records = this.queuedKeys;
    try {
      while (this.queue.length > 0 && (everything || this.queuedBytes >= WRITE_BATCH_BYTES)) {
        const pieces = this.queue;
        records = this.queuedKeys;
        this.queue = [];
        this.queuedKeys = [];
        const expected = records.reduce((sum, record) => sum + record.bytes, 0);
        const { bytesWritten } = await this.handle.writev(pieces);
        // A short write (a full disk) leaves a torn record, after which nothing more may be appended.
        if (bytesWritten !== expected) throw new Error(`wrote ${bytesWritten} of ${expected} bytes to the recording log`);
        for (const record of records) {
          this.queuedBytes -= record.bytes;
          this.written.set(record.key, record.value);
        }
        records = [];
      }
    } catch (err) {
      this.failure = err as Error;
      this.lost += records.length + this.queuedKeys.length;
      this.queue = [];
      this.queuedKeys = [];
    }
  }

  /** Starts a drain as the one write in flight; it clears itself when done, however soon (even before returning). */
  private startDrain(everything: boolean): Promise<void> {
    const writing: Promise<void> = this.drain(everything).finally(() => {
      if (this.writing === writing) this.writing = undefined;
    });
    this.writing = writing;
    return writing;
  }

  /** Writes everything queued so far. */
  private async flush(): Promise<void> {
    while (this.writing) await this.writing;
    await this.startDrain(true);
  }

  /** Writes and fsyncs everything appended so far, then advances `durable` to it (one sync at a time). */
  sync(): Promise<void> {
    this.syncing ??= this.syncNow().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async syncNow(): Promise<void> {
    await this.flush();
    const done = new Map(this.written);
    await this.handle.datasync();
    for (const [key, value] of done) this.durable.set(key, value);
  }

  async close(): Promise<void> {
    this.stopSyncing();
    while (this.syncing) await this.syncing;
    await this.sync();
    await this.handle.close();
  }
}
