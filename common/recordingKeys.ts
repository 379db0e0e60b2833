/**
 * How a recording names its arrays: `{segment}/{part}` with part y, x, t or seq. A channel's first segment is named
 * after the channel; a change of dtype or series count starts the next, `{channel}@1`, `{channel}@2`… ('@' is not
 * allowed in channel names, so the split is unambiguous).
 */
export function segmentKey(channel: string, segment: number): string {
  return segment === 0 ? channel : `${channel}@${segment}`;
}

/** The channel and segment number of a segment key. */
export function parseSegmentKey(key: string): { channel: string; segment: number } {
  const at = key.lastIndexOf('@');
  return at < 0 ? { channel: key, segment: 0 } : { channel: key.slice(0, at), segment: Number(key.slice(at + 1)) };
}
