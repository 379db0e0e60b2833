const BLOCK_BYTES = 1 << 20;

/**
 * Blocks handed back once nothing uses them any more, for the next rendering to reuse: a stream of big
 * packets then writes into the same memory again instead of allocating 1 MiB blocks for the garbage
 * collector to find later, so the server's memory stays flat. Holds at most `maxFree` blocks.
 */
export class BlockPool {
  private readonly free: Buffer[] = [];

  constructor(private readonly maxFree: number) {}

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(BLOCK_BYTES);
  }

  give(blocks: readonly Buffer[]): void {
    for (const block of blocks) if (this.free.length < this.maxFree && block.length === BLOCK_BYTES) this.free.push(block);
  }

  get size(): number {
    return this.free.length;
  }
}

/**
 * Writes pieces of text as UTF-8 into full 1 MiB blocks, handing each over as it fills: a big JSON body
 * never exists as one huge string or buffer, and is written (to a socket, a file) in few large writes.
 * A piece may straddle two blocks, even inside a character: UTF-8 is checked over the whole message.
 */
export class Utf8BlockWriter {
  private block: Buffer;
  private used = 0;

  /** Blocks come from `pool` when one is given (the caller gives them back), else are allocated. */
  constructor(private readonly pool?: BlockPool) {
    this.block = this.newBlock();
  }

  private newBlock(): Buffer {
    return this.pool?.take() ?? Buffer.allocUnsafe(BLOCK_BYTES);
  }

  /** Appends `piece`, pushing each block it fills onto `full`. */
  write(piece: string, full: Buffer[]): void {
    if (Buffer.byteLength(piece) !== piece.length) return this.writeBytes(Buffer.from(piece), full);
    // ASCII, as the array data is: latin-1 writes it byte for byte, a plain copy, splitting it where a block fills.
    for (let at = 0; ;) {
      const n = this.block.write(at === 0 ? piece : piece.slice(at), this.used, 'latin1');
      this.used += n;
      at += n;
      if (at === piece.length) return;
      this.nextBlock(full);
    }
  }

  private writeBytes(bytes: Buffer, full: Buffer[]): void {
    for (let copied = 0; copied < bytes.length;) {
      if (this.used === this.block.length) this.nextBlock(full);
      const n = bytes.copy(this.block, this.used, copied);
      this.used += n;
      copied += n;
    }
  }

  private nextBlock(full: Buffer[]): void {
    full.push(this.block);
    this.block = this.newBlock();
    this.used = 0;
  }

  /** The last, partly filled block, cut to size (a copy: the pool gets the block back) or empty when nothing is left. */
  end(): Buffer {
    if (this.used === this.block.length) return this.block;
    const last = Buffer.from(this.block.subarray(0, this.used));
    this.pool?.give([this.block]);
    return last;
  }
}

/** The UTF-8 bytes of `pieces` as full 1 MiB blocks and a last one cut to size, never joined (ws sends them as fragments). */
export function utf8Blocks(pieces: Iterable<string>, pool?: BlockPool): Buffer[] {
  const writer = new Utf8BlockWriter(pool);
  const blocks: Buffer[] = [];
  for (const piece of pieces) writer.write(piece, blocks);
  const last = writer.end();
  if (last.length > 0 || blocks.length === 0) blocks.push(last);
  return blocks;
}
