/**
 * Scrubbing: re-reading a store's tables from the file, a few blocks at a time, and verifying every
 * checksum, as ZFS scrubs a pool and HDFS's block scanner walks a DataNode's blocks. Why: a block is
 * verified when it is read from the file, but a hot block is served from the block cache and a cold
 * one may go unread for weeks, so bit rot in either was found only by the read that finally needed
 * it, or at the next restart. A scrub finds it while the replicas that can repair it are still there.
 *
 * Damage found is thrown as `KV_CORRUPTION`: the node's disk failure rule (node/contract.ts) applies,
 * as for damage found by a read. Reads bypass the cache and do not fill it.
 *
 * Invariant: the cursor names a table by its file number and a unit within it; tables are visited in
 * file-number order, so a table compacted away mid-pass is skipped and one written mid-pass (a higher
 * number) is verified in the same pass. A pass ends when no table is left past the cursor.
 */

import type { TableReader } from './sstable/tableReader.ts';

export interface ScrubCounts {
  /** Passes completed over every table the store held. */
  passes: number;
  blocksVerified: number;
  bytesVerified: number;
}

export interface ScrubPass {
  tables: number;
  blocks: number;
  bytes: number;
}

export class Scrubber {
  readonly counts: ScrubCounts = { passes: 0, blocksVerified: 0, bytesVerified: 0 };
  private table = -1;
  private unit = 0;
  private pass: ScrubPass = { tables: 0, blocks: 0, bytes: 0 };
  private nextAt: number;

  /** A round of `blocksPerRound` blocks every `intervalMs` (0: never), the first one interval after `now`. */
  constructor(
    private readonly intervalMs: number,
    private readonly blocksPerRound: number,
    now: number,
  ) {
    this.nextAt = now + intervalMs;
  }

  /** When the next round is due; null when scrubbing is off or there is no table to scrub. */
  dueAt(tableCount: number): number | null {
    return this.intervalMs > 0 && tableCount > 0 ? this.nextAt : null;
  }

  /** Runs a round if one is due at `now`; returns the pass it completed, if it completed one. */
  roundIfDue(now: number, tables: ReadonlyMap<number, TableReader>): ScrubPass | null {
    if (this.intervalMs <= 0 || now < this.nextAt) return null;
    this.nextAt = now + this.intervalMs;
    return this.step(tables, this.blocksPerRound);
  }

  /** Verifies up to `blocksMax` units; returns the pass it completed, if it completed one. */
  private step(tables: ReadonlyMap<number, TableReader>, blocksMax: number): ScrubPass | null {
    let budget = blocksMax;
    while (budget > 0) {
      const reader = this.current(tables);
      if (!reader) return this.endPass();
      if (this.unit === 0) this.pass.tables++;
      const bytes = reader.scrub(this.unit);
      this.counts.blocksVerified++;
      this.counts.bytesVerified += bytes;
      this.pass.blocks++;
      this.pass.bytes += bytes;
      budget--;
      if (++this.unit >= reader.scrubUnits) this.next(reader.meta.id + 1);
    }
    return null;
  }

  /** The table at the cursor, or the next one by file number; null past the last. */
  private current(tables: ReadonlyMap<number, TableReader>): TableReader | null {
    const here = tables.get(this.table);
    if (here) return here;
    let next: TableReader | null = null;
    for (const [id, reader] of tables)
      if (id > this.table && (next === null || id < next.meta.id)) next = reader;
    if (next) this.next(next.meta.id);
    return next;
  }

  private next(table: number): void {
    this.table = table;
    this.unit = 0;
  }

  private endPass(): ScrubPass | null {
    const done = this.pass;
    this.next(-1);
    this.pass = { tables: 0, blocks: 0, bytes: 0 };
    if (done.blocks === 0) return null;
    this.counts.passes++;
    return done;
  }
}
