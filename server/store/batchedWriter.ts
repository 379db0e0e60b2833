import type { FileHandle } from 'node:fs/promises';

/**
 * Appends chunks to a file in batches of about `batchBytes`, keeping one write in flight while the
 * next batch fills. Network chunks are small (16–64 KiB); writing each on its own and waiting for it
 * costs a thread-pool round trip per chunk and caps uploads far below disk speed.
 */
export class BatchedWriter {
  private batch: Uint8Array[] = [];
  private batchBytes = 0;
  private inFlight: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly handle: FileHandle,
    private readonly batchLimit = 4 * 2 ** 20,
  ) {}

  /** Queues a chunk; resolves when the caller may send the next (at most two batches are held). */
  async write(chunk: Uint8Array): Promise<void> {
    this.batch.push(chunk);
    this.batchBytes += chunk.length;
    if (this.batchBytes >= this.batchLimit) await this.flushBatch();
  }

  /** Writes what is queued and waits for every write to finish. */
  async finish(): Promise<void> {
    await this.flushBatch();
    await this.inFlight;
  }

  private async flushBatch(): Promise<void> {
    await this.inFlight;
    if (this.batch.length === 0) return;
    this.inFlight = this.handle.writev(this.batch);
    // Surface a failure now rather than at finish(); the caller stops feeding on the first error.
    this.inFlight.catch(() => {});
    this.batch = [];
    this.batchBytes = 0;
  }
}
