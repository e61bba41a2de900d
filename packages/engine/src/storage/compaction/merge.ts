/**
 * A k-way merge of sorted entry streams into one sorted stream holding the newest version (highest
 * seq) of each key: the heart of compaction and of range scans. Sources are few (the memtable plus
 * a handful of tables), so the next key is found by a linear pass rather than a heap.
 */

import type { Entry } from '../format/entry.ts';
import { compareKeys } from '../format/keys.ts';

interface Cursor {
  iterator: Iterator<Entry>;
  current: Entry | undefined;
}

export interface MergeCounts {
  /** Older versions skipped because a newer one of the same key was seen. */
  overwritten: number;
}

export function* mergeNewest(sources: Iterable<Entry>[], counts?: MergeCounts): Generator<Entry> {
  const cursors: Cursor[] = sources.map((source) => {
    const iterator = source[Symbol.iterator]();
    return { iterator, current: iterator.next().value as Entry | undefined };
  });
  for (;;) {
    let best: Entry | undefined;
    for (const cursor of cursors) {
      const entry = cursor.current;
      if (entry === undefined) continue;
      if (best === undefined) {
        best = entry;
        continue;
      }
      const order = compareKeys(entry.key, best.key);
      if (order < 0 || (order === 0 && entry.seq > best.seq)) best = entry;
    }
    if (best === undefined) return;
    const key = best.key;
    for (const cursor of cursors) {
      while (cursor.current !== undefined && cursor.current.key === key) {
        if (cursor.current !== best && counts) counts.overwritten++;
        cursor.current = cursor.iterator.next().value as Entry | undefined;
      }
    }
    yield best;
  }
}
