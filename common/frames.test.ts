import { describe, expect, it } from 'vitest';
import { decodeDataFrame, encodeFrame } from './frames.js';
import { typedArrayToNpy, typedValues } from './npy/typed.js';

describe('frame alignment', () => {
  it('pads the metadata so float64 parts can be read where they lie, and the metadata still reads the same', () => {
    for (const channel of ['a', 'ab', 'abc', 'abcd', 'abcde', 'abcdef', 'abcdefg', 'abcdefgh']) {
      const meta = { type: 'data', channel, seq: 7, timestamp: 1.5 };
      const x = new Float64Array([0, 1, 2]);
      const t = new Float64Array([1.5, 1.6, 1.7]);
      const frame = encodeFrame(meta, [typedArrayToNpy(x), typedArrayToNpy(new Float64Array([3, 4, 5])), typedArrayToNpy(t)]);
      const decoded = decodeDataFrame(frame);
      expect(decoded.meta).toMatchObject(meta);
      for (const [array, expected] of [
        [decoded.x, x],
        [decoded.t!, t],
      ] as const) {
        const values = typedValues(array);
        expect(values.buffer).toBe(frame.buffer); // a view, not a copy
        expect([...values]).toEqual([...expected]);
      }
    }
  });
});
