import { describe, expect, it } from 'vitest';
import { BlockCache, blockCacheKey } from './blockCache.ts';

const block = (bytes: number) => new Uint8Array(bytes);

describe('block cache', () => {
  it('evicts the least recently used block to stay within its byte bound', () => {
    const cache = new BlockCache(300);
    cache.put(blockCacheKey(1, 0), block(100));
    cache.put(blockCacheKey(1, 1), block(100));
    cache.put(blockCacheKey(1, 2), block(100));
    expect(cache.get(blockCacheKey(1, 0))).toBeDefined(); // now most recent
    cache.put(blockCacheKey(2, 0), block(100));
    expect(cache.bytes).toBe(300);
    expect(cache.get(blockCacheKey(1, 1))).toBeUndefined();
    expect(cache.get(blockCacheKey(1, 0))).toBeDefined();
    expect([cache.hits, cache.misses]).toEqual([2, 1]);
    expect(cache.hitRate()).toBeCloseTo(2 / 3);
  });

  it('never keeps a block larger than the whole cache, and drops a deleted table', () => {
    const cache = new BlockCache(100);
    cache.put(blockCacheKey(1, 0), block(101));
    expect(cache.size).toBe(0);
    cache.put(blockCacheKey(1, 0), block(40));
    cache.put(blockCacheKey(2, 0), block(40));
    cache.dropTable(1);
    expect(cache.peek(blockCacheKey(1, 0))).toBeUndefined();
    expect(cache.peek(blockCacheKey(2, 0))).toBeDefined();
    expect(cache.bytes).toBe(40);
  });
});
