const BLOCK_BYTES = 1 << 20;

/**
 * Writes pieces of text as UTF-8 into full 1 MiB blocks, handing each over as it fills: a big JSON body
 * never exists as one huge string or buffer, and is written (to a socket, a file) in few large writes.
 * A piece may straddle two blocks, even inside a character: UTF-8 is checked over the whole message.
 */
export class Utf8BlockWriter {
  private block = Buffer.allocUnsafe(BLOCK_BYTES);
  private used = 0;

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
    this.block = Buffer.allocUnsafe(BLOCK_BYTES);
    this.used = 0;
  }

  /** The last, partly filled block, cut to size (empty when nothing is left). */
  end(): Buffer {
    return this.used === this.block.length ? this.block : Buffer.from(this.block.subarray(0, this.used));
  }
}

/** The UTF-8 bytes of `pieces` as full 1 MiB blocks and a last one cut to size, never joined (ws sends them as fragments). */
export function utf8Blocks(pieces: Iterable<string>): Buffer[] {
  const writer = new Utf8BlockWriter();
  const blocks: Buffer[] = [];
  for (const piece of pieces) writer.write(piece, blocks);
  const last = writer.end();
  if (last.length > 0 || blocks.length === 0) blocks.push(last);
  return blocks;
}
