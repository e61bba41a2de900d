/**
 * The read path (SPEC 1.8): memtable first, then tables in read order (level 0 newest first, then
 * deeper levels), skipping a table whose key range does not cover the key or whose Bloom filter
 * says the key is absent. Each filter answer is counted per table (snapshot) and per drain period
 * (`bloom.counted`); with `traceReads`, every get also emits the path it took.
 */

import { bloomHash } from './bloom/bloomFilter.ts';
import type { BlockCache } from './cache/blockCache.ts';
import { mergeNewest } from './compaction/merge.ts';
import type { BloomOutcome, StorageEventLog } from './events.ts';
import { type Entry, EntryKind } from './format/entry.ts';
import { compareKeys, encodeKey } from './format/keys.ts';
import type { Memtable } from './memtable/memtable.ts';
import type { TableReader } from './sstable/tableReader.ts';

export class ReadPath {
  private tables: TableReader[] = [];
  private negatives = 0;
  private truePositives = 0;
  private falsePositives = 0;
  private cacheHitsReported = 0;
  private cacheMissesReported = 0;

  constructor(
    private readonly events: StorageEventLog,
    private readonly trace: boolean,
  ) {}

  setTables(tables: TableReader[]): void {
    this.tables = tables;
  }

  /** A read the memtable answered without `get` (the store's shortcut): traced like one. */
  servedByMemtable(key: string): void {
    if (this.trace) this.events.emit({ type: 'read.traced', key, source: 'memtable', tables: [] });
  }

  get(key: string, keyBytes: Uint8Array, memtable: Memtable): Entry | undefined {
    const outcomes: { table: string; outcome: BloomOutcome }[] | null = this.trace ? [] : null;
    const fromMemtable = memtable.get(key);
    if (fromMemtable) {
      outcomes && this.events.emit({ type: 'read.traced', key, source: 'memtable', tables: outcomes });
      return fromMemtable;
    }
    const hash = bloomHash(keyBytes);
    for (const table of this.tables) {
      if (!table.covers(keyBytes)) {
        outcomes?.push({ table: table.name, outcome: 'outsideRange' });
        continue;
      }
      if (!table.filter.mayContain(hash)) {
        table.counts.negatives++;
        this.negatives++;
        outcomes?.push({ table: table.name, outcome: 'negative' });
        continue;
      }
      const entry = table.get(keyBytes, key);
      if (!entry) {
        table.counts.falsePositives++;
        this.falsePositives++;
        outcomes?.push({ table: table.name, outcome: 'falsePositive' });
        continue;
      }
      table.counts.truePositives++;
      this.truePositives++;
      outcomes?.push({ table: table.name, outcome: 'truePositive' });
      outcomes && this.events.emit({ type: 'read.traced', key, source: 'table', tables: outcomes });
      return entry;
    }
    outcomes && this.events.emit({ type: 'read.traced', key, source: 'none', tables: outcomes });
    return undefined;
  }

  /**
   * Live entries with start ≤ key < end, newest version of each, tombstones hidden. Values are copies
   * unless `shared`: then each is returned as stored, a memtable's value itself and a table's as a
   * view into its block, for a caller that reads them at once and keeps none (a kept view would pin
   * its block or its slab chunk, bytes.ts).
   */
  scan(memtable: Memtable, start?: string, end?: string, shared = false): [string, Uint8Array][] {
    const startBytes = start === undefined ? undefined : encodeKey(start);
    const fromMemtable = memtable.range(start, end);
    const sources: Iterable<Entry>[] = fromMemtable.length > 0 ? [fromMemtable] : [];
    for (const table of this.tables) {
      if (end !== undefined && compareKeys(table.meta.smallest, end) >= 0) continue;
      if (start !== undefined && compareKeys(table.meta.largest, start) < 0) continue;
      sources.push(table.entries(startBytes));
    }
    const out: [string, Uint8Array][] = [];
    for (const entry of mergeNewest(sources)) {
      if (end !== undefined && compareKeys(entry.key, end) >= 0) break;
      if (entry.kind !== EntryKind.Put) continue;
      out.push([entry.key, shared ? entry.value : entry.value.slice()]);
    }
    return out;
  }

  /** Folds the filter and cache counts since the last call into one event each. */
  emitCounts(cache: BlockCache): void {
    if (this.negatives + this.truePositives + this.falsePositives > 0) {
      const { negatives, truePositives, falsePositives } = this;
      this.events.emit({ type: 'bloom.counted', negatives, truePositives, falsePositives });
      this.negatives = this.truePositives = this.falsePositives = 0;
    }
    const hits = cache.hits - this.cacheHitsReported;
    const misses = cache.misses - this.cacheMissesReported;
    if (hits + misses > 0) this.events.emit({ type: 'cache.counted', hits, misses });
    this.cacheHitsReported = cache.hits;
    this.cacheMissesReported = cache.misses;
  }
}
