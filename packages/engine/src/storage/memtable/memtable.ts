/**
 * The memtable: the newest version of each recently written key, in memory (SPEC 1.8, write path).
 * A Map gives O(1) puts and gets; the sorted order that flushes and scans need is built lazily, once
 * per batch of new keys, by sorting the key list (a "sorted array + Map" rather than a skip list:
 * simpler, and sorting is paid only when a scan or a flush asks for order).
 *
 * Size accounting (`bytes`) is what the flush threshold compares against: key and value bytes plus
 * a fixed per-entry overhead, so many tiny entries still trigger a flush.
 */

import { type Entry, EntryKind } from '../format/entry.ts';
import { compareKeys } from '../format/keys.ts';

/** Bookkeeping bytes counted per entry (sequence number, kind, map slot), whatever its size. */
const entryOverheadBytes = 32;

export function entryBytes(entry: Entry): number {
  return entry.keyBytes.length + entry.value.length + entryOverheadBytes;
}

export class Memtable {
  private readonly map = new Map<string, Entry>();
  private sortedKeys: string[] | null = [];
  /** While every key is ASCII, code-unit order is byte order and the native sort can be used. */
  private allAscii = true;
  bytes = 0;
  tombstones = 0;

  get entryCount(): number {
    return this.map.size;
  }

  put(entry: Entry): void {
    const previous = this.map.get(entry.key);
    if (previous) {
      this.bytes -= entryBytes(previous);
      if (previous.kind === EntryKind.Delete) this.tombstones--;
    } else {
      this.sortedKeys = null;
      if (entry.keyBytes.length !== entry.key.length) this.allAscii = false;
    }
    this.map.set(entry.key, entry);
    this.bytes += entryBytes(entry);
    if (entry.kind === EntryKind.Delete) this.tombstones++;
  }

  get(key: string): Entry | undefined {
    return this.map.get(key);
  }

  /** Every entry in key order. */
  entries(): Entry[] {
    return this.keys().map((key) => this.map.get(key) as Entry);
  }

  /** Entries with start ≤ key < end, in key order (either bound may be absent). */
  range(start?: string, end?: string): Entry[] {
    const keys = this.keys();
    let from = 0;
    if (start !== undefined) from = lowerBound(keys, start);
    const out: Entry[] = [];
    for (let i = from; i < keys.length; i++) {
      const key = keys[i] as string;
      if (end !== undefined && compareKeys(key, end) >= 0) break;
      out.push(this.map.get(key) as Entry);
    }
    return out;
  }

  private keys(): string[] {
    if (this.sortedKeys === null) {
      const keys = [...this.map.keys()];
      this.sortedKeys = this.allAscii ? keys.sort() : keys.sort(compareKeys);
    }
    return this.sortedKeys;
  }
}

/** Index of the first key ≥ `key`. */
function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(keys[mid] as string, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
