/**
 * The OPFS catalog's copy format: a whole copy decodes to the state it was written with; a torn
 * copy (any prefix) or a copy with any single bit flipped is rejected, so `Catalog.load` falls back
 * to the other copy instead of reading a damaged name table.
 */

import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.ts';
import { decodeCatalog, encodeCatalog } from './opfsCatalog.ts';

const files = new Map([
  ['MANIFEST', 3],
  ['000007.sst', 12],
  ['wal-000002.log', 1],
]);

describe('opfs catalog copies', () => {
  it('crc32 matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('decode gives back the sequence and the names encoded', () => {
    const decoded = decodeCatalog(encodeCatalog(41, files));
    expect(decoded?.sequence).toBe(41);
    expect([...(decoded?.files ?? [])]).toEqual([...files]);
  });

  it('rejects every torn prefix of a copy', () => {
    const bytes = encodeCatalog(2, files);
    for (let length = 0; length < bytes.length; length++) {
      expect(decodeCatalog(bytes.subarray(0, length)), `prefix of ${length} bytes`).toBeUndefined();
    }
  });

  it('rejects a copy with any single bit flipped', () => {
    const bytes = encodeCatalog(2, files);
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const damaged = bytes.slice();
      damaged[bit >> 3]! ^= 1 << (bit & 7);
      expect(decodeCatalog(damaged), `bit ${bit} flipped`).toBeUndefined();
    }
  });
});
