/**
 * The LSM store of one node (SPEC 1.8; leveldb's `db_impl.cc`, mini-lsm's `lsm_storage.rs`):
 *
 *   put/delete ──▶ commit log (buffered; durable at sync) ──▶ memtable ──flush──▶ level-0 table
 *   get ──▶ memtable ──▶ tables newest→oldest (key range, Bloom filter, block cache) ──▶ value
 *   compaction: pure plan (plan.ts) → apply (compaction.ts) → manifest switch → inputs deleted
 *
 * Everything is synchronous: a flush or a compaction runs inside the `put`/`delete` that crosses a
 * threshold (at the start of the next write, so a failed flush leaves that write undone), or when
 * `flush()`/`compact()` is called. There are no background threads and no clocks but `options.clock`.
 *
 * Durability: a write is durable once a later `sync()` has returned. The file-level invariants that
 * make every crash state a legal prefix: a table is flushed before the manifest names it; the
 * manifest is switched by rename; a log is deleted only after a manifest no longer needs it.
 */

import { isDiskFailure, isKvError, kvError } from '../errors.ts';
import { BlockCache } from './cache/blockCache.ts';
import { applyCompaction } from './compaction/compaction.ts';
import { type CompactionPlan, planCompaction, planFullCompaction, readOrder } from './compaction/plan.ts';
import { type StorageEvent, StorageEventLog } from './events.ts';
import type { FileSystem } from './files/fileSystem.ts';
import { type Entry, EntryKind } from './format/entry.ts';
import { checkEntry, checkKey } from './limits.ts';

export { checkKey } from './limits.ts';

import { type Manifest, writeManifest } from './manifest/manifest.ts';
import { Memtable } from './memtable/memtable.ts';
import { compactionPolicy, type LsmOptions, lsmOptions } from './options.ts';
import { ReadPath } from './readPath.ts';
import { recoverStore } from './recovery.ts';
import { Scrubber } from './scrub.ts';
import type { RecoverySummary, StorageSnapshot } from './snapshot.ts';
import { TableBuilder, type TableBuildOptions } from './sstable/tableBuilder.ts';
import { type TableMeta, tableFileName } from './sstable/tableFormat.ts';
import { TableReader } from './sstable/tableReader.ts';
import { buildSnapshot, type StoreCounters, writeAmplification } from './storeSnapshot.ts';
import { CommitLog, logFileName } from './wal/commitLog.ts';

/** Compactions run after one flush at most: bounds the work a single put can trigger. */
const compactionsPerFlushMax = 16;

export class LsmStore {
  readonly options: LsmOptions;
  private readonly events: StorageEventLog;
  private readonly cache: BlockCache;
  private readonly reads: ReadPath;
  private readonly tables = new Map<number, TableReader>();
  private manifest: Manifest;
  private memtable: Memtable;
  private immutable: Memtable | null = null;
  private log: CommitLog;
  /** Live logs older than `log` (left by a crash mid-flush); deleted by the next flush. */
  private olderLogs: number[];
  private lastSeq: number;
  private nextFileNumber: number;
  private readonly recovery: RecoverySummary;
  private readonly counters: StoreCounters = {
    userBytes: 0,
    logBytesWritten: 0,
    tableBytesWritten: 0,
    compactions: 0,
    compactionBytesRead: 0,
    compactionBytesWritten: 0,
  };
  private readonly scrubber: Scrubber;
  private closed = false;

  private constructor(
    private readonly fs: FileSystem,
    options: LsmOptions,
  ) {
    this.options = options;
    this.events = new StorageEventLog(options.eventsMax);
    this.cache = new BlockCache(options.blockCacheBytesMax);
    const recovered = recoverStore(fs, this.cache);
    this.manifest = recovered.manifest;
    this.memtable = recovered.memtable;
    this.lastSeq = recovered.lastSeq;
    this.nextFileNumber = recovered.nextFileNumber;
    this.recovery = recovered.summary;
    for (const table of recovered.tables) this.tables.set(table.meta.id, table);
    const logs = recovered.logNumbers;
    this.log = new CommitLog(fs, logs[logs.length - 1] as number, options.logBufferBytesMax);
    this.olderLogs = logs.slice(0, -1);
    this.reads = new ReadPath(this.events, options.traceReads);
    this.reads.setTables(readOrder(this.manifest.tables).map((m) => this.tables.get(m.id) as TableReader));
    this.events.emit({ type: 'recovery.done', ...this.recovery, tables: this.tables.size });
    this.scrubber = new Scrubber(options.scrubIntervalMs, options.scrubBlocksPerRound, options.clock.now());
  }

  /** Opens the store in `fs`, recovering from its files (a new store when there are none). */
  static open(fs: FileSystem, options: Partial<LsmOptions> = {}): LsmStore {
    return new LsmStore(fs, lsmOptions(options));
  }

  put(key: string, value: Uint8Array): void {
    this.putOwned(key, value.slice());
  }

  /**
   * `put` without the copy: the store keeps `value` itself, so the caller must never modify it
   * afterwards (the replica store hands over each freshly encoded sibling set).
   */
  putOwned(key: string, value: Uint8Array): void {
    this.checkOpen();
    const keyBytes = checkEntry(key, value, this.options);
    this.write({ key, seq: this.lastSeq + 1, kind: EntryKind.Put, value, deletedAt: 0, keyBytes }, keyBytes);
  }

  delete(key: string): void {
    this.checkOpen();
    const keyBytes = checkKey(key, this.options.keyBytesMax);
    const deletedAt = this.options.clock.now();
    this.write(
      { key, seq: this.lastSeq + 1, kind: EntryKind.Delete, value: new Uint8Array(0), deletedAt, keyBytes },
      keyBytes,
    );
  }

  get(key: string): Uint8Array | undefined {
    return this.getShared(key)?.slice();
  }

  /**
   * `get` without the copy, for callers that only read the bytes (the replica store, on every
   * replica write and read): a memtable value is returned as stored (values are never modified
   * after a put), a table value as a copy of its block.
   */
  getShared(key: string): Uint8Array | undefined {
    this.checkOpen();
    // A key the memtable holds is valid (it was checked when written): no need to encode it again.
    const recent = key.length > 0 ? this.memtable.get(key) : undefined;
    if (recent !== undefined) {
      this.reads.servedByMemtable(key);
      return recent.kind === EntryKind.Put ? recent.value : undefined;
    }
    const keyBytes = checkKey(key, this.options.keyBytesMax);
    const entry = this.reads.get(key, keyBytes, this.memtable);
    if (!entry || entry.kind !== EntryKind.Put) return undefined;
    return entry.value.slice();
  }

  /** Live entries with start ≤ key < end in key order: a consistent view as of the call. */
  scan(start?: string, end?: string): Iterable<[string, Uint8Array]> {
    this.checkOpen();
    return this.reads.scan(this.memtable, start, end);
  }

  /** `scan` without copying values, for callers that read each at once and keep none. */
  scanShared(start?: string, end?: string): Iterable<[string, Uint8Array]> {
    this.checkOpen();
    return this.reads.scan(this.memtable, start, end, true);
  }

  /** The durability point (group commit): every put and delete before it is durable after it. */
  sync(): void {
    this.checkOpen();
    const report = this.log.sync();
    if (report.records === 0 && report.bytes === 0) return;
    // Fields named, not spread: every replica write step syncs, and a spread builds the event slowly.
    this.events.emit({
      type: 'log.synced',
      file: this.log.name,
      records: report.records,
      bytes: report.bytes,
    });
  }

  /** Flushes the memtable to a table now (no-op when it is empty), then compacts if due. */
  flush(): void {
    this.checkOpen();
    this.flushMemtable();
    if (this.options.autoCompact) this.compactWhileDue();
  }

  /**
   * An operator's flush or major compaction (the lab's inspector buttons): a failure, such as a full
   * disk, is reported as a `storage.error` event rather than thrown, and the store keeps working; a
   * damaged table is thrown (see `compactWhileDueReportingErrors`).
   */
  maintain(kind: 'flush' | 'compact'): void {
    try {
      if (kind === 'flush') this.flush();
      else this.compact();
    } catch (error) {
      this.report(error);
    }
  }

  /** Merges every table into one sorted run (a major compaction), dropping what can be dropped. */
  compact(): void {
    this.checkOpen();
    const plan = planFullCompaction(this.manifest.tables, this.options.compaction);
    if (plan) this.runCompaction(plan);
  }

  /** A scrub round (scrub.ts) if one is due on the store's clock; damage found throws `KV_CORRUPTION`. */
  scrubIfDue(): void {
    const pass = this.scrubber.roundIfDue(this.options.clock.now(), this.tables);
    if (pass) this.events.emit({ type: 'scrub.passed', ...pass });
  }

  /** When the next scrub round is due on the store's clock; null while there is nothing to scrub. */
  get scrubDue(): number | null {
    return this.scrubber.dueAt(this.tables.size);
  }

  snapshot(): StorageSnapshot {
    return buildSnapshot({
      label: this.fs.label,
      options: this.options,
      lastSeq: this.lastSeq,
      memtable: this.memtable,
      immutable: this.immutable,
      log: this.log,
      tables: [...this.tables.values()],
      cache: this.cache,
      counters: this.counters,
      recovery: this.recovery,
      scrub: this.scrubber.counts,
    });
  }

  /** Events since the last drain, with the Bloom-filter and cache counts of the period folded in. */
  drainEvents(): readonly StorageEvent[] {
    this.reads.emitCounts(this.cache);
    return this.events.drain();
  }

  /** Makes every write durable and closes the files; the store refuses work afterwards. */
  close(): void {
    if (this.closed) return;
    this.sync();
    this.closed = true;
    this.log.close();
    for (const table of this.tables.values()) table.close();
  }

  private checkOpen(): void {
    if (this.closed) throw kvError('KV_CLOSED', `the store in ${this.fs.label} is closed`);
  }

  private write(entry: Entry, keyBytes: Uint8Array): void {
    if (this.memtable.bytes >= this.options.memtableBytesMax) {
      this.flushMemtable();
      if (this.options.autoCompact) this.compactWhileDueReportingErrors();
    }
    const report = this.log.append(entry, keyBytes);
    this.lastSeq = entry.seq;
    this.memtable.put(entry);
    this.counters.userBytes += keyBytes.length + entry.value.length;
    if (report) this.events.emit({ type: 'log.appended', file: this.log.name, ...report });
  }

  private allocateFileNumber(): number {
    return this.nextFileNumber++;
  }

  private switchManifest(added: TableMeta[], removed: ReadonlySet<number>, logNumber: number): void {
    const next: Manifest = {
      ...this.manifest,
      nextFileNumber: this.nextFileNumber,
      logNumber,
      lastSeq: this.lastSeq,
      tables: [...this.manifest.tables.filter((t) => !removed.has(t.id)), ...added],
    };
    writeManifest(this.fs, next);
    this.manifest = next;
    this.events.emit({ type: 'manifest.switched', tables: next.tables.length, logNumber });
  }

  /** Freeze → write a level-0 table → new log → manifest switch → old logs deleted. */
  private flushMemtable(): void {
    const frozen = this.memtable;
    if (frozen.entryCount === 0) return;
    this.immutable = frozen;
    this.memtable = new Memtable();
    this.events.emit({ type: 'memtable.frozen', entries: frozen.entryCount, bytes: frozen.bytes });
    let meta: TableMeta;
    let newLog: CommitLog;
    try {
      meta = this.writeTable(frozen.entries());
      newLog = this.switchToNewLog(meta);
    } catch (error) {
      this.memtable = frozen;
      this.immutable = null;
      throw error;
    }
    const oldLogs = [...this.olderLogs, this.log.number];
    this.counters.logBytesWritten += this.log.bytesWrittenTotal;
    this.log.close();
    this.log = newLog;
    this.olderLogs = [];
    for (const number of oldLogs) this.fs.delete(logFileName(number));
    this.immutable = null;
    this.events.emit({
      type: 'log.rotated',
      from: logFileName(oldLogs[oldLogs.length - 1] as number),
      to: newLog.name,
    });
    this.events.emit({
      type: 'memtable.flushed',
      table: tableFileName(meta.id),
      entries: meta.entries,
      bytes: meta.bytes,
    });
    this.addTables([meta]);
  }

  private switchToNewLog(meta: TableMeta): CommitLog {
    let newLog: CommitLog | null = null;
    try {
      newLog = new CommitLog(this.fs, this.allocateFileNumber(), this.options.logBufferBytesMax);
      this.switchManifest([meta], new Set(), newLog.number);
      return newLog;
    } catch (error) {
      if (newLog) {
        newLog.close();
        this.fs.delete(newLog.name);
      }
      this.fs.delete(tableFileName(meta.id));
      throw error;
    }
  }

  private writeTable(entries: readonly Entry[]): TableMeta {
    const builder = new TableBuilder(this.fs, this.allocateFileNumber(), 0, this.buildOptions('flush'));
    try {
      for (const entry of entries) builder.add(entry);
      const meta = builder.finish();
      this.counters.tableBytesWritten += meta.bytes;
      this.events.emit({
        type: 'table.written',
        table: builder.name,
        level: 0,
        bytes: meta.bytes,
        entries: meta.entries,
        reason: 'flush',
      });
      return meta;
    } catch (error) {
      builder.abandon();
      throw error;
    }
  }

  /** Flushed tables are short-lived (compaction soon rewrites them): only 'all' compresses them. */
  private buildOptions(purpose: 'flush' | 'compaction'): TableBuildOptions {
    const { blockBytesTarget, bloomFalsePositiveRate, compression } = this.options;
    const compress = compression === 'all' || (compression === 'auto' && purpose === 'compaction');
    return { blockBytesTarget, bloomFalsePositiveRate, compression: compress ? 'auto' : 'none' };
  }

  private addTables(metas: readonly TableMeta[]): void {
    for (const meta of metas) this.tables.set(meta.id, TableReader.open(this.fs, meta, this.cache));
    this.reads.setTables(readOrder(this.manifest.tables).map((m) => this.tables.get(m.id) as TableReader));
  }

  private compactWhileDue(): void {
    for (let i = 0; i < compactionsPerFlushMax; i++) {
      const plan = planCompaction(this.manifest.tables, compactionPolicy(this.options));
      if (!plan) return;
      this.runCompaction(plan);
    }
  }

  /**
   * After a flush inside a write, a failed compaction (a full disk) must not fail the write: it is
   * reported. A damaged table is not: `KV_CORRUPTION` goes up to the node's driver, which replaces
   * the disk (node/contract.ts), since the table's keys are no longer readable here.
   */
  private compactWhileDueReportingErrors(): void {
    try {
      this.compactWhileDue();
    } catch (error) {
      this.report(error);
    }
  }

  /** Emits a KvError other than `KV_CORRUPTION` as a `storage.error` event; throws anything else. */
  private report(error: unknown): void {
    if (!isKvError(error) || isDiskFailure(error)) throw error;
    this.events.emit({ type: 'storage.error', code: error.code, message: error.message });
  }

  private runCompaction(plan: CompactionPlan): void {
    const names = plan.inputs.map(tableFileName);
    this.events.emit({
      type: 'compaction.planned',
      strategy: plan.strategy,
      inputs: names,
      outputLevel: plan.outputLevel,
      reason: plan.reason,
    });
    const inputs = plan.inputs.map((id) => this.tables.get(id) as TableReader);
    const result = applyCompaction(
      {
        fs: this.fs,
        build: this.buildOptions('compaction'),
        tableBytesTarget: this.options.tableBytesTarget,
        now: this.options.clock.now(),
        tombstoneGraceMs: this.options.tombstoneGraceMs,
        nextFileNumber: () => this.allocateFileNumber(),
      },
      plan,
      inputs,
    );
    try {
      this.switchManifest(result.outputs, new Set(plan.inputs), this.manifest.logNumber);
    } catch (error) {
      for (const output of result.outputs) this.fs.delete(tableFileName(output.id));
      throw error;
    }
    for (const input of inputs) {
      input.close();
      this.tables.delete(input.meta.id);
      this.cache.dropTable(input.meta.id);
      this.fs.delete(input.name);
      this.events.emit({ type: 'table.deleted', table: input.name });
    }
    this.addTables(result.outputs);
    this.counters.compactions++;
    this.counters.compactionBytesRead += result.bytesRead;
    this.counters.compactionBytesWritten += result.bytesWritten;
    this.counters.tableBytesWritten += result.bytesWritten;
    for (const output of result.outputs) {
      this.events.emit({
        type: 'table.written',
        table: tableFileName(output.id),
        level: output.level,
        bytes: output.bytes,
        entries: output.entries,
        reason: 'compaction',
      });
    }
    this.events.emit({
      type: 'compaction.done',
      inputs: names,
      outputs: result.outputs.map((t) => tableFileName(t.id)),
      bytesRead: result.bytesRead,
      bytesWritten: result.bytesWritten,
      overwrittenDropped: result.overwritten,
      tombstonesDropped: result.tombstonesDropped,
      writeAmplification: writeAmplification(this.counters, this.log),
    });
  }
}
