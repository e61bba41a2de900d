/**
 * `StorageSnapshot`: the state of one store as plain, structured-cloneable data, for the lab's
 * storage inspector (memtable, log, tables per level with key ranges and filter statistics, cache,
 * compression, compactions, last recovery).
 */

import type { CompactionStrategy } from './compaction/plan.ts';
import type { ScrubCounts } from './scrub.ts';

export interface TableSnapshot {
  id: number;
  file: string;
  level: number;
  bytes: number;
  entries: number;
  tombstones: number;
  smallest: string;
  largest: string;
  minSeq: number;
  maxSeq: number;
  /** Raw block bytes per stored block byte (1 = uncompressed). */
  compressionRatio: number;
  filter: {
    bits: number;
    hashes: number;
    targetFalsePositiveRate: number;
    negatives: number;
    truePositives: number;
    falsePositives: number;
    /** Measured: false positives / (false positives + negatives); null before any absent key was checked. */
    falsePositiveRate: number | null;
  };
}

export interface RecoverySummary {
  logsReplayed: number;
  recordsReplayed: number;
  truncatedBytes: number;
  orphansDeleted: string[];
}

export interface StorageSnapshot {
  label: string;
  lastSeq: number;
  memtable: { entries: number; bytes: number; bytesMax: number; tombstones: number };
  /** The memtable being flushed, if a flush is in progress (only visible from inside a flush). */
  immutableMemtable: { entries: number; bytes: number } | null;
  log: { file: string; bytes: number; syncedBytes: number; unsyncedRecords: number };
  levels: { level: number; bytes: number; tables: TableSnapshot[] }[];
  cache: { bytes: number; bytesMax: number; blocks: number; hits: number; misses: number; hitRate: number };
  /** Raw block bytes per stored byte over all tables (1 = nothing saved). */
  compressionRatio: number;
  compaction: {
    strategy: CompactionStrategy;
    done: number;
    bytesRead: number;
    bytesWritten: number;
    userBytes: number;
    writeAmplification: number;
  };
  recovery: RecoverySummary;
  /** Table blocks re-read and verified by scrubbing (scrub.ts); `intervalMs` 0 when it is off. */
  scrub: ScrubCounts & { intervalMs: number; blocksPerRound: number };
}
