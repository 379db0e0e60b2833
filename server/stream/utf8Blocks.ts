const BLOCK_BYTES = 1 << 20;

/**
 * The UTF-8 bytes of pieces of text in full 1 MiB blocks (the last one cut to size), never joined: a big
 * packet's JSON never exists as one huge string or buffer, and the blocks go out as the fragments of one
 * WebSocket message. A piece may straddle two blocks (a fragment may end inside a character: UTF-8 is
 * checked over the whole message).
 */
export function utf8Blocks(pieces: Iterable<string>): Buffer[] {
  const blocks: Buffer[] = [];
  let block = Buffer.allocUnsafe(BLOCK_BYTES);
  let used = 0;
  for (const piece of pieces) {
    if (piece.length * 3 <= block.length - used) {
      used += block.write(piece, used); // fits whatever its characters (at most 3 bytes per UTF-16 unit)
      continue;
    }
    const bytes = Buffer.from(piece);
    for (let copied = 0; copied < bytes.length;) {
      if (used === block.length) {
        blocks.push(block);
        block = Buffer.allocUnsafe(BLOCK_BYTES);
        used = 0;
      }
      const n = bytes.copy(block, used, copied);
      used += n;
      copied += n;
    }
  }
  if (used > 0 || blocks.length === 0) blocks.push(used === block.length ? block : Buffer.from(block.subarray(0, used)));
  return blocks;
}
