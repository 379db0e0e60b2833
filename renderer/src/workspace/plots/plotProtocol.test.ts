import { describe, expect, it } from 'vitest';
import { type PlotFrame, packFrame } from './plotProtocol.js';

const line = (x: number[], y: number[]) => ({ x: Float64Array.from(x), y: Float64Array.from(y), colour: '#000', label: 'a', right: false });

describe('packFrame', () => {
  it("copies every plot's lines into the one buffer it is given, as views with the same values", () => {
    const frames: PlotFrame[] = [
      { id: 'p1', lines: [line([1, 2, 3], [4, 5, 6]), line([], [])], y: {} },
      { id: 'p2', lines: [line([7], [8])], y: {} },
    ];
    const asked: number[] = [];
    const given = new ArrayBuffer(1024);
    const buffer = packFrame(frames, (bytes) => (asked.push(bytes), given));
    expect(buffer).toBe(given);
    expect(asked).toEqual([8 * 8]);
    const lines = frames.flatMap((frame) => frame.lines);
    expect(lines.every((l) => l.x.buffer === given && l.y.buffer === given)).toBe(true);
    expect(lines.map((l) => [[...l.x], [...l.y]])).toEqual([
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      [[], []],
      [[7], [8]],
    ]);
    // No two views share bytes: writing one leaves the others as they were.
    lines[0]!.x.fill(0);
    expect([...lines[0]!.y, ...lines[2]!.x]).toEqual([4, 5, 6, 7]);
  });
});
