import { describe, expect, it } from 'vitest';
import { ByteSlab, sameBytes } from './bytes.ts';

const source = Uint8Array.from({ length: 2_000 }, (_, i) => i % 251);

describe('ByteSlab', () => {
  it('gives copies equal to the source range that later writes to the source do not change', () => {
    const slab = new ByteSlab(1_024, 512);
    const mutable = source.slice();
    const copy = slab.copy(mutable, 10, 210);
    mutable.fill(0);
    expect(sameBytes(copy, source.subarray(10, 210))).toBe(true);
  });

  it('never lets two copies share bytes, across chunk boundaries', () => {
    const slab = new ByteSlab(1_024, 512);
    const copies = Array.from({ length: 40 }, (_, i) => slab.copy(source, i, i + 100 + i));
    for (const [i, copy] of copies.entries()) copy.fill(i);
    for (const [i, copy] of copies.entries()) expect(copy.every((b) => b === i)).toBe(true);
  });

  it('gives small and large byte strings a buffer of their own', () => {
    const slab = new ByteSlab(1_024, 512);
    for (const length of [0, 64, 513, 2_000]) {
      const copy = slab.copy(source, 0, length);
      expect(copy.buffer.byteLength).toBe(length);
      expect(sameBytes(copy, source.subarray(0, length))).toBe(true);
    }
    expect(slab.copy(source, 0, 65).buffer.byteLength).toBe(1_024);
  });
});
