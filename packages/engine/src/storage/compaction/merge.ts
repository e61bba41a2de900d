/**
 * A k-way merge of sorted entry streams into one sorted stream holding the newest version (highest
 * seq) of each key: the heart of compaction and of range scans. Sources are few (the memtable plus
 * a handful of tables), so the next key is found by a linear pass rather than a heap.
 */

import type { StoredEntry } from '../format/entry.ts';
import { compareBytes } from '../format/keys.ts';

interface Cursor<T> {
  iterator: Iterator<T>;
  current: T | undefined;
}

export interface MergeCounts {
  /** Older versions skipped because a newer one of the same key was seen. */
  overwritten: number;
}

/** Keys are compared as UTF-8 bytes (code-point order), so no key needs decoding. */
export function* mergeNewest<T extends StoredEntry>(
  sources: Iterable<T>[],
  counts?: MergeCounts,
): Generator<T> {
  if (sources.length === 1) {
    // One sorted source holds one version per key: nothing to merge (a scan of one table).
    yield* sources[0] as Iterable<T>;
    return;
  }
  const cursors: Cursor<T>[] = sources.map((source) => {
    const iterator = source[Symbol.iterator]();
    return { iterator, current: iterator.next().value as T | undefined };
  });
  for (;;) {
    let best: T | undefined;
    for (const cursor of cursors) {
      const entry = cursor.current;
      if (entry === undefined) continue;
      if (best === undefined) {
        best = entry;
        continue;
      }
      const order = compareBytes(entry.keyBytes, best.keyBytes);
      if (order < 0 || (order === 0 && entry.seq > best.seq)) best = entry;
    }
    if (best === undefined) return;
    const key = best.keyBytes;
    for (const cursor of cursors) {
      while (cursor.current !== undefined && compareBytes(cursor.current.keyBytes, key) === 0) {
        if (cursor.current !== best && counts) counts.overwritten++;
        cursor.current = cursor.iterator.next().value as T | undefined;
      }
    }
    yield best;
  }
}
