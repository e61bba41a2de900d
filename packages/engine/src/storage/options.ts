/**
 * The knobs of one LSM store, with defaults from constants.ts. Thresholds are small enough in tests
 * (a memtable of a few KiB) to exercise every path, and real-sized in the lab and benchmarks.
 */

import {
  blockBytesTarget,
  blockCacheBytesMax,
  bloomFalsePositiveRate,
  keyBytesMax,
  leveledL0TablesMax,
  leveledL1BytesMax,
  leveledLevelsMax,
  logBufferBytesMax,
  memtableBytesMax,
  scrubBlocksPerRound,
  scrubIntervalMs,
  storageEventsMax,
  storedEntryBytesMax,
  tableBytesTarget,
  tieredMergeWidthMin,
  tieredSizeRatioMax,
  tombstoneGraceMs,
} from '../constants.ts';
import { type Clock, ManualClock } from '../time/clock.ts';
import type { CompactionPolicy, CompactionStrategy } from './compaction/plan.ts';

export interface LsmOptions {
  /** Stamps tombstones; their grace period is measured on it. Default: a clock stopped at 0. */
  clock: Clock;
  memtableBytesMax: number;
  blockBytesTarget: number;
  tableBytesTarget: number;
  bloomFalsePositiveRate: number;
  blockCacheBytesMax: number;
  logBufferBytesMax: number;
  compaction: CompactionStrategy;
  /**
   * 'auto' (default) deflates the blocks of compaction output where that saves at least 25%;
   * 'all' does so for flushed tables too; 'none' never compresses. Flushes stay raw under 'auto'
   * because deflate costs more CPU than a short-lived table saves (see the storage benchmark).
   */
  compression: 'auto' | 'all' | 'none';
  tombstoneGraceMs: number;
  tieredMergeWidthMin: number;
  tieredSizeRatioMax: number;
  leveledL0TablesMax: number;
  leveledL1BytesMax: number;
  leveledLevelsMax: number;
  /**
   * Scrub the tables (scrub.ts): every `scrubIntervalMs` of `clock` (0: never), re-read and verify
   * `scrubBlocksPerRound` blocks from the file.
   */
  scrubIntervalMs: number;
  scrubBlocksPerRound: number;
  /** Compact automatically after each memtable flush (default true). */
  autoCompact: boolean;
  /** Emit one `read.traced` event per get, for the lab's read-path view (default false: hot path). */
  traceReads: boolean;
  eventsMax: number;
  /** Keys longer than this (UTF-8 bytes) are refused with KV_KEY_TOO_LARGE (SPEC 1.1: 1 KiB). */
  keyBytesMax: number;
  /**
   * Records (key + value bytes) larger than this are refused with KV_VALUE_TOO_LARGE. Default
   * `storedEntryBytesMax`; set `entryBytesMax` (10,240) to hold a store to the user limit of SPEC 1.1.
   */
  entryBytesMax: number;
}

export function lsmOptions(options: Partial<LsmOptions> = {}): LsmOptions {
  return {
    clock: new ManualClock(0),
    memtableBytesMax,
    blockBytesTarget,
    tableBytesTarget,
    bloomFalsePositiveRate,
    blockCacheBytesMax,
    logBufferBytesMax,
    compaction: 'size-tiered',
    compression: 'auto',
    tombstoneGraceMs,
    tieredMergeWidthMin,
    tieredSizeRatioMax,
    leveledL0TablesMax,
    leveledL1BytesMax,
    leveledLevelsMax,
    scrubIntervalMs,
    scrubBlocksPerRound,
    autoCompact: true,
    traceReads: false,
    eventsMax: storageEventsMax,
    keyBytesMax,
    entryBytesMax: storedEntryBytesMax,
    ...options,
  };
}

export function compactionPolicy(options: LsmOptions): CompactionPolicy {
  return {
    strategy: options.compaction,
    tieredMergeWidthMin: options.tieredMergeWidthMin,
    tieredSizeRatioMax: options.tieredSizeRatioMax,
    leveledL0TablesMax: options.leveledL0TablesMax,
    leveledL1BytesMax: options.leveledL1BytesMax,
    leveledLevelsMax: options.leveledLevelsMax,
  };
}
