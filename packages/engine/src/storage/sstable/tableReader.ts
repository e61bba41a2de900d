/**
 * Reads one SSTable: opening verifies the footer, the index and the filter; every data block read
 * from the file is verified by its checksum before use (`KV_CORRUPTION` naming file and offset)
 * and then kept in the shared block cache. A point lookup is: key range → Bloom filter → index
 * binary search → one block → binary search in the block.
 */

import { kvError } from '../../errors.ts';
import { BloomFilter } from '../bloom/bloomFilter.ts';
import { type BlockCache, blockCacheKey } from '../cache/blockCache.ts';
import type { FileHandle, FileSystem } from '../files/fileSystem.ts';
import { ByteReader, readU32 } from '../format/bytes.ts';
import { crc32c } from '../format/crc32c.ts';
import type { Entry, StoredEntry } from '../format/entry.ts';
import { compareBytes, decodeKey, encodeKey } from '../format/keys.ts';
import { blockEntryCount, blockStoredEntries, findInBlock, openStoredBlock, seekInBlock } from './block.ts';
import { footerBytes, type TableMeta, tableFileName, tableMagic } from './tableFormat.ts';

export interface FilterCounts {
  negatives: number;
  truePositives: number;
  falsePositives: number;
}

export class TableReader {
  readonly name: string;
  readonly smallest: Uint8Array;
  readonly largest: Uint8Array;
  readonly filter: BloomFilter;
  readonly counts: FilterCounts = { negatives: 0, truePositives: 0, falsePositives: 0 };
  private readonly lastKeys: Uint8Array[] = [];
  private readonly offsets: number[] = [];
  private readonly lengths: number[] = [];

  private constructor(
    private readonly handle: FileHandle,
    readonly meta: TableMeta,
    private readonly cache: BlockCache,
    private readonly where: string,
  ) {
    this.name = handle.name;
    this.smallest = encodeKey(meta.smallest);
    this.largest = encodeKey(meta.largest);
    const footer = this.readFooter();
    this.filter = BloomFilter.decode(this.readVerified(footer.filterOffset, footer.filterLength), this.where);
    this.readIndex(this.readVerified(footer.indexOffset, footer.indexLength), footer.blockCount);
  }

  static open(fs: FileSystem, meta: TableMeta, cache: BlockCache): TableReader {
    const handle = fs.open(tableFileName(meta.id));
    try {
      return new TableReader(handle, meta, cache, `table ${tableFileName(meta.id)} in ${fs.label}`);
    } catch (error) {
      handle.close();
      throw error;
    }
  }

  /** True when `key` lies within the table's key range. */
  covers(key: Uint8Array): boolean {
    return compareBytes(key, this.smallest) >= 0 && compareBytes(key, this.largest) <= 0;
  }

  /** The table's entry for `key`, if any (the caller has consulted the filter). */
  get(key: Uint8Array, keyString: string): Entry | undefined {
    const blockIndex = this.blockFor(key);
    if (blockIndex >= this.offsets.length) return undefined;
    return findInBlock(this.block(blockIndex, true), key, keyString);
  }

  /**
   * Entries with key ≥ `start` (all when absent), in order. Scans and compactions use cached blocks
   * but do not add to the cache, so a full pass does not evict the hot set.
   */
  *entries(start?: Uint8Array): Generator<Entry> {
    for (const entry of this.storedEntries(start)) {
      (entry as Entry).key = decodeKey(entry.keyBytes);
      yield entry as Entry;
    }
  }

  /** As `entries`, without decoding keys: what compaction moves. */
  *storedEntries(start?: Uint8Array): Generator<StoredEntry> {
    let blockIndex = start ? this.blockFor(start) : 0;
    for (; blockIndex < this.offsets.length; blockIndex++) {
      const block = this.block(blockIndex, false);
      const first = start ? seekInBlock(block, start) : 0;
      start = undefined;
      if (first < blockEntryCount(block)) yield* blockStoredEntries(block, first);
    }
  }

  /** What a scrub verifies, one at a time: each data block, then the footer, filter and index. */
  get scrubUnits(): number {
    return this.offsets.length + 1;
  }

  /**
   * Re-reads scrub unit `unit` from the file, not the cache, and verifies its checksums (scrub.ts);
   * returns the bytes read, or throws `KV_CORRUPTION` naming the file and offset.
   */
  scrub(unit: number): number {
    if (unit < this.offsets.length) {
      const length = this.lengths[unit] as number;
      this.readVerified(this.offsets[unit] as number, length);
      return length;
    }
    const footer = this.readFooter();
    this.readVerified(footer.filterOffset, footer.filterLength);
    this.readVerified(footer.indexOffset, footer.indexLength);
    return footerBytes + footer.filterLength + footer.indexLength;
  }

  close(): void {
    this.handle.close();
  }

  /** Index of the first block whose last key is ≥ `key`. */
  private blockFor(key: Uint8Array): number {
    let lo = 0;
    let hi = this.lastKeys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareBytes(this.lastKeys[mid] as Uint8Array, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private block(index: number, useCache: boolean): Uint8Array {
    const key = blockCacheKey(this.meta.id, index);
    const cached = useCache ? this.cache.get(key) : this.cache.peek(key);
    if (cached) return cached;
    const payload = this.readVerified(this.offsets[index] as number, this.lengths[index] as number);
    if (useCache) this.cache.put(key, payload);
    return payload;
  }

  private readVerified(offset: number, length: number): Uint8Array {
    const stored = this.handle.read(offset, length);
    if (stored.length !== length) {
      throw kvError('KV_CORRUPTION', `${this.where}: the block at offset ${offset} is cut short`);
    }
    return openStoredBlock(stored, `${this.where}: the block at offset ${offset}`);
  }

  private readFooter() {
    const size = this.handle.size();
    const footer = this.handle.read(Math.max(0, size - footerBytes), footerBytes);
    if (footer.length !== footerBytes || crc32c(footer, 0, 24) !== readU32(footer, 24)) {
      throw kvError(
        'KV_CORRUPTION',
        `${this.where}: the footer at offset ${size - footerBytes} fails its checksum`,
      );
    }
    if (readU32(footer, 20) !== tableMagic) throw kvError('KV_CORRUPTION', `${this.where}: not a table`);
    const [filterOffset, filterLength, indexOffset, indexLength, blockCount] = [0, 4, 8, 12, 16].map((at) =>
      readU32(footer, at),
    ) as [number, number, number, number, number];
    return { filterOffset, filterLength, indexOffset, indexLength, blockCount };
  }

  private readIndex(index: Uint8Array, blockCount: number): void {
    const reader = new ByteReader(index);
    try {
      for (let i = 0; i < blockCount; i++) {
        this.lastKeys.push(reader.chunk().slice());
        this.offsets.push(reader.varint());
        this.lengths.push(reader.varint());
      }
    } catch (error) {
      throw kvError('KV_CORRUPTION', `${this.where}: the index is malformed`, error);
    }
  }
}
