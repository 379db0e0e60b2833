import type { FileHandle } from 'node:fs/promises';

const BLOCK = 4 * 2 ** 20;

/**
 * Reads a file front to back in large blocks. What is handed out are views of a block, never copies: a block is not
 * reused (readers keep views of it), and when a request straddles two blocks only its start is copied into the next.
 */
export class SequentialReader {
  private buffer = Buffer.alloc(0);

  constructor(
    private readonly handle: FileHandle,
    private position = 0,
    private readonly block = BLOCK,
  ) {}

  /** At least the next `bytes` bytes without consuming them (fewer only at the end of the file), and whatever else is buffered. */
  async peek(bytes: number): Promise<Buffer> {
    if (this.buffer.length >= bytes) return this.buffer;
    const next = Buffer.allocUnsafe(Math.max(this.block, bytes));
    let filled = this.buffer.copy(next, 0);
    while (filled < bytes) {
      const { bytesRead } = await this.handle.read(next, filled, next.length - filled, this.position);
      if (bytesRead === 0) break;
      filled += bytesRead;
      this.position += bytesRead;
    }
    this.buffer = next.subarray(0, filled);
    return this.buffer;
  }

  /** The next `bytes` bytes (fewer only at the end of the file). */
  async take(bytes: number): Promise<Buffer> {
    const out = (await this.peek(bytes)).subarray(0, bytes);
    this.buffer = this.buffer.subarray(out.length);
    return out;
  }
}
