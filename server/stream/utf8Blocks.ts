const BLOCK_BYTES = 1 << 20;

/**
 * The UTF-8 bytes of pieces of text, written as they come into 1 MiB blocks and joined once: a big
 * packet's JSON never exists as one huge string (nor its pieces all at once) beside its bytes.
 */
export function utf8Concat(pieces: Iterable<string>): Buffer {
  const blocks: Buffer[] = [];
  let block = Buffer.allocUnsafe(BLOCK_BYTES);
  let used = 0;
  for (const piece of pieces) {
    const most = piece.length * 3; // UTF-8 bytes per UTF-16 unit, at most
    if (used + most > block.length) {
      blocks.push(block.subarray(0, used));
      block = Buffer.allocUnsafe(Math.max(BLOCK_BYTES, most));
      used = 0;
    }
    used += block.write(piece, used);
  }
  blocks.push(block.subarray(0, used));
  return Buffer.concat(blocks);
}
