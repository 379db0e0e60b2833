import { describe, expect, it } from 'vitest';
import { describeDtype } from './dtypeText.js';

describe('describeDtype', () => {
  it('says the byte order in words', () => {
    expect(['>f8', '<f8', 'float64', '|u1', 'bool', '>c16', 'uint64', 'odd'].map(describeDtype)).toEqual([
      'float64, big-endian',
      'float64, little-endian',
      'float64, little-endian',
      'uint8',
      'bool',
      'complex128, big-endian',
      'uint64, little-endian',
      'odd',
    ]);
  });
});
