/**
 * A bounded LRU cache of decoded, checksum-verified table blocks (leveldb's block cache): hot blocks
 * are read from memory, the rest from disk. A JavaScript Map iterates in insertion order, so
 * re-inserting on a hit makes the first key the least recently used one. Bounded by bytes.
 *
 * Keys are numbers, `tableId * 2^24 + blockIndex`, so a lookup allocates nothing.
 */

export const blocksPerTableMax = 1 << 24;

export function blockCacheKey(tableId: number, blockIndex: number): number {
  return tableId * blocksPerTableMax + blockIndex;
}

export class BlockCache {
  private readonly blocks = new Map<number, Uint8Array>();
  bytes = 0;
  hits = 0;
  misses = 0;

  constructor(readonly bytesMax: number) {}

  get size(): number {
    return this.blocks.size;
  }

  get(key: number): Uint8Array | undefined {
    const block = this.blocks.get(key);
    if (block === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.blocks.delete(key);
    this.blocks.set(key, block);
    return block;
  }

  /** A lookup that neither counts nor refreshes: for scans, which should not evict the hot set. */
  peek(key: number): Uint8Array | undefined {
    return this.blocks.get(key);
  }

  put(key: number, block: Uint8Array): void {
    if (block.length > this.bytesMax) return;
    const old = this.blocks.get(key);
    if (old !== undefined) {
      this.bytes -= old.length;
      this.blocks.delete(key);
    }
    this.blocks.set(key, block);
    this.bytes += block.length;
    while (this.bytes > this.bytesMax) this.evictOldest();
  }

  /** Drops every block of a table that no longer exists. */
  dropTable(tableId: number): void {
    for (const [key, block] of this.blocks) {
      if (Math.floor(key / blocksPerTableMax) !== tableId) continue;
      this.blocks.delete(key);
      this.bytes -= block.length;
    }
  }

  hitRate(): number {
    const total = this.hits + this.misses;
    return total === 0 ? 0 : this.hits / total;
  }

  private evictOldest(): void {
    const first = this.blocks.keys().next();
    if (first.done) return;
    const block = this.blocks.get(first.value) as Uint8Array;
    this.blocks.delete(first.value);
    this.bytes -= block.length;
  }
}
