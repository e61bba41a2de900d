/**
 * What the storage engine reports, as plain data for the lab (SPEC 1.8 is drawn from these). Events
 * carry no node id and no time: the node layer stamps `at` and `node` when it forwards them. Hot
 * paths emit aggregates (a log write-out covers many appends; Bloom and cache counts are folded into
 * one event per drain) unless `traceReads` asks for one `read.traced` event per get.
 */

import type { CompactionStrategy } from './compaction/plan.ts';

export type BloomOutcome = 'outsideRange' | 'negative' | 'truePositive' | 'falsePositive';

export type StorageEvent =
  | { type: 'log.appended'; file: string; records: number; bytes: number }
  | { type: 'log.synced'; file: string; records: number; bytes: number }
  | { type: 'log.rotated'; from: string; to: string }
  | { type: 'memtable.frozen'; entries: number; bytes: number }
  | { type: 'memtable.flushed'; table: string; entries: number; bytes: number }
  | {
      type: 'table.written';
      table: string;
      level: number;
      bytes: number;
      entries: number;
      reason: 'flush' | 'compaction';
    }
  | { type: 'table.deleted'; table: string }
  | { type: 'manifest.switched'; tables: number; logNumber: number }
  | {
      type: 'compaction.planned';
      strategy: CompactionStrategy;
      inputs: string[];
      outputLevel: number;
      reason: string;
    }
  | {
      type: 'compaction.done';
      inputs: string[];
      outputs: string[];
      bytesRead: number;
      bytesWritten: number;
      overwrittenDropped: number;
      tombstonesDropped: number;
      /** Bytes written to disk (log + tables) per byte written by users, since the store opened. */
      writeAmplification: number;
    }
  | { type: 'bloom.counted'; negatives: number; truePositives: number; falsePositives: number }
  | { type: 'cache.counted'; hits: number; misses: number }
  | {
      type: 'read.traced';
      key: string;
      source: 'memtable' | 'table' | 'none';
      tables: { table: string; outcome: BloomOutcome }[];
    }
  | {
      type: 'recovery.done';
      logsReplayed: number;
      recordsReplayed: number;
      truncatedBytes: number;
      tables: number;
      orphansDeleted: string[];
    }
  /** A scrub pass verified every table the store held (scrub.ts). */
  | { type: 'scrub.passed'; tables: number; blocks: number; bytes: number }
  | { type: 'storage.error'; code: string; message: string }
  | { type: 'events.dropped'; count: number };

export type StorageEventType = StorageEvent['type'];

/** A bounded list of events between two drains (constants.ts `storageEventsMax`). */
const noStorageEvents: readonly StorageEvent[] = [];

export class StorageEventLog {
  private events: StorageEvent[] = [];
  private dropped = 0;

  constructor(private readonly max: number) {}

  emit(event: StorageEvent): void {
    if (this.events.length < this.max) this.events.push(event);
    else this.dropped++;
  }

  drain(): readonly StorageEvent[] {
    // Drained after every step of the node, and usually empty: no new array then.
    if (this.events.length === 0 && this.dropped === 0) return noStorageEvents;
    const out = this.events;
    if (this.dropped > 0) out.push({ type: 'events.dropped', count: this.dropped });
    this.events = [];
    this.dropped = 0;
    return out;
  }
}
