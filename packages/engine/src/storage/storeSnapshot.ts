/**
 * Builds a `StorageSnapshot` (snapshot.ts) from a store's parts. Kept apart from the store so the
 * store stays about writes, reads and files.
 */

import type { BlockCache } from './cache/blockCache.ts';
import type { Memtable } from './memtable/memtable.ts';
import type { LsmOptions } from './options.ts';
import type { ScrubCounts } from './scrub.ts';
import type { RecoverySummary, StorageSnapshot, TableSnapshot } from './snapshot.ts';
import { tableFileName } from './sstable/tableFormat.ts';
import type { TableReader } from './sstable/tableReader.ts';
import type { CommitLog } from './wal/commitLog.ts';

export interface StoreCounters {
  /** Key and value bytes given to put and delete. */
  userBytes: number;
  /** Bytes written to logs already rotated away (the current log counts its own). */
  logBytesWritten: number;
  tableBytesWritten: number;
  compactions: number;
  compactionBytesRead: number;
  compactionBytesWritten: number;
}

export function writeAmplification(counters: StoreCounters, log: CommitLog): number {
  if (counters.userBytes === 0) return 0;
  return (counters.logBytesWritten + log.bytesWrittenTotal + counters.tableBytesWritten) / counters.userBytes;
}

function tableSnapshot(table: TableReader, targetFalsePositiveRate: number): TableSnapshot {
  const m = table.meta;
  const { negatives, truePositives, falsePositives } = table.counts;
  const absent = negatives + falsePositives;
  return {
    id: m.id,
    file: tableFileName(m.id),
    level: m.level,
    bytes: m.bytes,
    entries: m.entries,
    tombstones: m.tombstones,
    smallest: m.smallest,
    largest: m.largest,
    minSeq: m.minSeq,
    maxSeq: m.maxSeq,
    compressionRatio: m.storedBlockBytes === 0 ? 1 : m.rawBlockBytes / m.storedBlockBytes,
    filter: {
      bits: m.filterBits,
      hashes: m.filterHashes,
      targetFalsePositiveRate,
      negatives,
      truePositives,
      falsePositives,
      falsePositiveRate: absent === 0 ? null : falsePositives / absent,
    },
  };
}

export interface SnapshotParts {
  label: string;
  options: LsmOptions;
  lastSeq: number;
  memtable: Memtable;
  immutable: Memtable | null;
  log: CommitLog;
  tables: TableReader[];
  cache: BlockCache;
  counters: StoreCounters;
  recovery: RecoverySummary;
  scrub: ScrubCounts;
}

export function buildSnapshot(p: SnapshotParts): StorageSnapshot {
  const tables = p.tables.map((t) => tableSnapshot(t, p.options.bloomFalsePositiveRate));
  const levelNumbers = [...new Set(tables.map((t) => t.level))].sort((a, b) => a - b);
  const levels = levelNumbers.map((level) => {
    const here = tables.filter((t) => t.level === level).sort((a, b) => b.maxSeq - a.maxSeq);
    return { level, bytes: here.reduce((sum, t) => sum + t.bytes, 0), tables: here };
  });
  const raw = p.tables.reduce((sum, t) => sum + t.meta.rawBlockBytes, 0);
  const stored = p.tables.reduce((sum, t) => sum + t.meta.storedBlockBytes, 0);
  return {
    label: p.label,
    lastSeq: p.lastSeq,
    memtable: {
      entries: p.memtable.entryCount,
      bytes: p.memtable.bytes,
      bytesMax: p.options.memtableBytesMax,
      tombstones: p.memtable.tombstones,
    },
    immutableMemtable: p.immutable ? { entries: p.immutable.entryCount, bytes: p.immutable.bytes } : null,
    log: {
      file: p.log.name,
      bytes: p.log.bytes,
      syncedBytes: p.log.syncedBytes,
      unsyncedRecords: p.log.unsyncedRecords,
    },
    levels,
    cache: {
      bytes: p.cache.bytes,
      bytesMax: p.cache.bytesMax,
      blocks: p.cache.size,
      hits: p.cache.hits,
      misses: p.cache.misses,
      hitRate: p.cache.hitRate(),
    },
    compressionRatio: stored === 0 ? 1 : raw / stored,
    compaction: {
      strategy: p.options.compaction,
      done: p.counters.compactions,
      bytesRead: p.counters.compactionBytesRead,
      bytesWritten: p.counters.compactionBytesWritten,
      userBytes: p.counters.userBytes,
      writeAmplification: writeAmplification(p.counters, p.log),
    },
    recovery: p.recovery,
    scrub: {
      ...p.scrub,
      intervalMs: p.options.scrubIntervalMs,
      blocksPerRound: p.options.scrubBlocksPerRound,
    },
  };
}
