/**
 * The unit every layer stores: a key's newest version as known to one table, memtable or log
 * record. A delete is a tombstone entry carrying the time it was written, so compaction can drop it
 * once its grace period is over (constants.ts `tombstoneGraceMs`). `seq` orders versions of a key:
 * it grows by one per write across the whole store and survives recovery.
 */

export const EntryKind = { Put: 0, Delete: 1 } as const;
export type EntryKind = (typeof EntryKind)[keyof typeof EntryKind];

/** An entry as stored: the key as UTF-8 bytes only (what compaction moves without decoding). */
export interface StoredEntry {
  keyBytes: Uint8Array;
  seq: number;
  kind: EntryKind;
  /** The value of a put; empty for a tombstone. */
  value: Uint8Array;
  /** For a tombstone: the clock time of the delete (ms); 0 for a put. */
  deletedAt: number;
}

/** An entry with its key also as a string (memtable, log replay, scans). */
export interface Entry extends StoredEntry {
  key: string;
}

export const emptyValue = new Uint8Array(0);
