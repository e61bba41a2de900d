import { describe, expect, it } from 'vitest';
import { utf8Encode } from '../../hashing/utf8.ts';
import { BloomFilter, bloomHash } from './bloomFilter.ts';

function filterOf(keys: string[], rate: number): BloomFilter {
  const filter = BloomFilter.forKeys(keys.length, rate);
  for (const key of keys) filter.add(bloomHash(utf8Encode(key)));
  return filter;
}

function measuredRate(filter: BloomFilter, probes: number): number {
  let positives = 0;
  for (let i = 0; i < probes; i++) if (filter.mayContain(bloomHash(utf8Encode(`absent-${i}`)))) positives++;
  return positives / probes;
}

describe('Bloom filter', () => {
  const keys = Array.from({ length: 10_000 }, (_, i) => `user:${i}`);

  it('has no false negatives', () => {
    const filter = filterOf(keys, 0.01);
    expect(keys.filter((key) => !filter.mayContain(bloomHash(utf8Encode(key))))).toEqual([]);
  });

  it.each([0.01, 0.05, 0.001])('keeps the measured false-positive rate within 2x of a %s target', (rate) => {
    const rateSeen = measuredRate(filterOf(keys, rate), 100_000);
    expect(rateSeen).toBeLessThan(2 * rate);
    expect(rateSeen).toBeGreaterThan(rate / 4);
  });

  it('is sized at about 9.6 bits and 7 probes per key for 1%', () => {
    const filter = BloomFilter.forKeys(10_000, 0.01);
    expect(filter.bitCount / 10_000).toBeCloseTo(9.6, 0);
    expect(filter.hashes).toBe(7);
  });

  it('survives encode and decode, and refuses a damaged header', () => {
    const filter = filterOf(keys, 0.01);
    const copy = BloomFilter.decode(filter.encode(), 'test');
    expect(keys.every((key) => copy.mayContain(bloomHash(utf8Encode(key))))).toBe(true);
    const bad = filter.encode();
    bad[0] = 0;
    expect(() => BloomFilter.decode(bad, 'table 000001.sst')).toThrow(/KV_CORRUPTION/);
  });
});
