import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8Blocks } from './utf8Blocks.js';

const MiB = 2 ** 20;

describe('utf8Blocks', () => {
  it('gives the UTF-8 of the joined pieces, in full 1 MiB blocks and a last one cut to size', () => {
    const pieces = ['{"a":', 'x'.repeat(MiB - 3), 'é€😀', 'y'.repeat(2 * MiB + 5), '"ü"', ''];
    const blocks = utf8Blocks(pieces);
    expect(Buffer.concat(blocks).equals(Buffer.from(pieces.join('')))).toBe(true);
    expect(blocks.slice(0, -1).map((block) => block.length)).toEqual(blocks.slice(0, -1).map(() => MiB));
    expect(blocks.at(-1)!.buffer.byteLength).toBeLessThan(MiB); // the last block does not pin a whole 1 MiB
  });

  it('is one empty block for no text', () => {
    expect(utf8Blocks([]).map((block) => block.length)).toEqual([0]);
  });

  it('round-trips any pieces, ASCII or not, wherever the block boundaries fall', () => {
    const piece = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ maxLength: 300_000 }));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        expect(Buffer.concat(utf8Blocks(pieces)).equals(Buffer.from(pieces.join('')))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
