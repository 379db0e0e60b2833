import { describe, expect, it } from 'vitest';
import { parseSegmentKey, segmentKey } from './recordingKeys.js';

describe('recording segment keys', () => {
  it('names the first segment after the channel and later ones with @n, and reads them back', () => {
    expect(segmentKey('imu.accel', 0)).toBe('imu.accel');
    expect(segmentKey('imu.accel', 2)).toBe('imu.accel@2');
    for (const [channel, segment] of [
      ['imu.accel', 0],
      ['a', 1],
      ['x-y_z.0', 12],
    ] as const) {
      expect(parseSegmentKey(segmentKey(channel, segment))).toEqual({ channel, segment });
    }
  });
});
