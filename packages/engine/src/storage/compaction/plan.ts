/**
 * Compaction policy as a pure function (mini-lsm's `CompactionController`): given the live tables,
 * which to merge next, or null. `apply` (compaction.ts) does the I/O.
 *
 * size-tiered (default): all tables are sorted runs in one list, newest first. Starting from the
 * newest, take tables while each is at most `tieredSizeRatioMax` times the largest taken so far;
 * merge them once there are `tieredMergeWidthMin`. Only runs adjacent in time are merged, so every
 * table's sequence range stays disjoint from the others' and "newest table first" stays the read order.
 *
 * leveled: level 0 holds flushed tables (overlapping); at `leveledL0TablesMax` they all merge with
 * the overlapping tables of level 1. A level n ≥ 1 over `leveledL1BytesMax · 10^(n−1)` pushes its
 * oldest table into level n+1 with the tables it overlaps. Levels ≥ 1 never overlap within.
 *
 * `bottommost`: no older data for the inputs' keys exists outside the inputs, so tombstones past
 * their grace period can be dropped without resurrecting an older value.
 */

import { compareKeys } from '../format/keys.ts';
import type { TableMeta } from '../sstable/tableFormat.ts';

export type CompactionStrategy = 'size-tiered' | 'leveled';

export interface CompactionPolicy {
  strategy: CompactionStrategy;
  tieredMergeWidthMin: number;
  tieredSizeRatioMax: number;
  leveledL0TablesMax: number;
  leveledL1BytesMax: number;
  leveledLevelsMax: number;
}

export interface CompactionPlan {
  strategy: CompactionStrategy;
  inputs: number[];
  outputLevel: number;
  bottommost: boolean;
  reason: string;
}

const newestFirst = (a: TableMeta, b: TableMeta) => b.maxSeq - a.maxSeq;

function overlaps(t: TableMeta, smallest: string, largest: string): boolean {
  return compareKeys(t.smallest, largest) <= 0 && compareKeys(t.largest, smallest) >= 0;
}

function keyRange(tables: readonly TableMeta[]): [string, string] {
  let smallest = (tables[0] as TableMeta).smallest;
  let largest = (tables[0] as TableMeta).largest;
  for (const t of tables) {
    if (compareKeys(t.smallest, smallest) < 0) smallest = t.smallest;
    if (compareKeys(t.largest, largest) > 0) largest = t.largest;
  }
  return [smallest, largest];
}

export function planCompaction(
  tables: readonly TableMeta[],
  policy: CompactionPolicy,
): CompactionPlan | null {
  return policy.strategy === 'leveled' ? planLeveled(tables, policy) : planTiered(tables, policy);
}

function planTiered(tables: readonly TableMeta[], policy: CompactionPolicy): CompactionPlan | null {
  const runs = [...tables].sort(newestFirst);
  const taken: TableMeta[] = [];
  let largest = 0;
  for (const run of runs) {
    if (taken.length > 0 && run.bytes > policy.tieredSizeRatioMax * largest) break;
    taken.push(run);
    largest = Math.max(largest, run.bytes);
  }
  if (taken.length < policy.tieredMergeWidthMin) return null;
  return {
    strategy: 'size-tiered',
    inputs: taken.map((t) => t.id),
    outputLevel: 0,
    bottommost: taken.length === runs.length,
    reason: `${taken.length} tables of similar size (largest ${largest} bytes)`,
  };
}

function planLeveled(tables: readonly TableMeta[], policy: CompactionPolicy): CompactionPlan | null {
  const level = (n: number) => tables.filter((t) => t.level === n);
  const l0 = level(0);
  if (l0.length >= policy.leveledL0TablesMax) {
    const [smallest, largest] = keyRange(l0);
    const l1 = level(1).filter((t) => overlaps(t, smallest, largest));
    return leveledPlan(tables, [...l0, ...l1], 1, `level 0 holds ${l0.length} tables`);
  }
  for (let n = 1; n < policy.leveledLevelsMax; n++) {
    const here = level(n);
    const bytes = here.reduce((sum, t) => sum + t.bytes, 0);
    const limit = policy.leveledL1BytesMax * 10 ** (n - 1);
    if (bytes <= limit) continue;
    const oldest = here.reduce((a, b) => (b.minSeq < a.minSeq ? b : a));
    const below = level(n + 1).filter((t) => overlaps(t, oldest.smallest, oldest.largest));
    return leveledPlan(tables, [oldest, ...below], n + 1, `level ${n} holds ${bytes} bytes (limit ${limit})`);
  }
  return null;
}

function leveledPlan(
  tables: readonly TableMeta[],
  inputs: TableMeta[],
  outputLevel: number,
  reason: string,
): CompactionPlan {
  const [smallest, largest] = keyRange(inputs);
  const ids = new Set(inputs.map((t) => t.id));
  const deeper = tables.some(
    (t) => !ids.has(t.id) && t.level >= outputLevel && overlaps(t, smallest, largest),
  );
  return { strategy: 'leveled', inputs: [...ids], outputLevel, bottommost: !deeper, reason };
}

/**
 * A major compaction: every table into one sorted run — level 0 for size-tiered, the deepest level
 * in use (at least 1) for leveled. Nothing older exists outside it, so it is always bottommost.
 */
export function planFullCompaction(
  tables: readonly TableMeta[],
  strategy: CompactionStrategy,
): CompactionPlan | null {
  if (tables.length === 0) return null;
  const deepest = Math.max(1, ...tables.map((t) => t.level));
  return {
    strategy,
    inputs: tables.map((t) => t.id),
    outputLevel: strategy === 'leveled' ? deepest : 0,
    bottommost: true,
    reason: `full compaction of ${tables.length} tables`,
  };
}

/** The order a point read consults tables: level 0 newest first, then levels 1, 2, … */
export function readOrder(tables: readonly TableMeta[]): TableMeta[] {
  return [...tables].sort((a, b) => a.level - b.level || newestFirst(a, b));
}
