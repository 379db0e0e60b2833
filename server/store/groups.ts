import { randomBytes } from 'node:crypto';

/** A short unique id for a group of arrays: `npz-…` for an `.npz` upload, `rec-…` for a recording. */
export function newGroupId(kind: 'npz' | 'rec'): string {
  return `${kind}-${randomBytes(6).toString('hex')}`;
}
