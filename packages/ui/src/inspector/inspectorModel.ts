/**
 * What the node inspector shows, derived from a KvNode snapshot (engine node/kvNode.ts
 * `snapshot()`), as pure functions: Bloom filter verdicts (measured false-positive rate against the
 * target, with too-few-checks said honestly), per-level totals, the memtable's fill, the read path's
 * totals. The component only lays these out.
 *
 * Also the seams for protocols still being built: a membership table row and a hint-store summary,
 * which the page passes in when gossip and hinted handoff land.
 */

import type { NodeId, NodeSnapshot, StorageSnapshot } from '@kvscope/engine';

/** KvNode.snapshot(): the node's request state and its storage engine's snapshot. */
export interface KvNodeSnapshot {
  id: NodeId;
  kind: 'kv';
  at: number;
  /** The name its writes' clock entries carry: its id, or a new name after a start without its disk. */
  actor?: string;
  /** Range movements: `rebuilding` after a lost disk; ranges fenced for a joiner (rebalance/). */
  rebalance?: { phase: string; waiting: number; fencedRanges?: number; forwardsUnackedTo?: string[] };
  /** Requests this node coordinates that have not completed. */
  inFlight: number;
  /** Requests forwarded to another coordinator, awaiting its answer. */
  forwards: number;
  storage: StorageSnapshot;
}

/** Narrows a node's snapshot (a generic `NodeSnapshot` from the driver) to a KvNode's. */
export function isKvNodeSnapshot(
  snapshot: NodeSnapshot | KvNodeSnapshot | null | undefined,
): snapshot is KvNodeSnapshot {
  if (snapshot?.kind !== 'kv') return false;
  const storage = (snapshot as { storage?: unknown }).storage;
  return typeof storage === 'object' && storage !== null;
}

/** One member as this node's failure detector sees it (seam: filled in when gossip lands). */
export interface MembershipRow {
  member: string;
  status: 'alive' | 'suspected' | 'down' | (string & {});
  heartbeat?: number;
  /** How long since the heartbeat last grew, in ms. */
  silentForMs?: number;
  /** Members that report it suspected (a member is down when at least two do, SPEC 1.6). */
  suspectedBy?: readonly string[];
  /** The phi-accrual detector's suspicion level φ (it convicts at 8); absent for the other detectors. */
  phi?: number;
}

/** Hints this node holds for one absent owner (seam: filled in when hinted handoff lands). */
export interface HintSummary {
  owner: string;
  count: number;
  bytes?: number;
  oldestMs?: number;
  /** True while a replay to the owner is in progress. */
  replaying?: boolean;
}

/** Fewer absent-key checks than this and a measured false-positive rate means little. */
export const bloomChecksMin = 50;

export type BloomStatus = 'no checks yet' | 'too few checks' | 'within target' | 'above target';

export interface BloomVerdict {
  /** Checks of keys the table does not hold: negatives + false positives. */
  absentChecks: number;
  measured: number | null;
  target: number;
  status: BloomStatus;
}

type Filter = StorageSnapshot['levels'][number]['tables'][number]['filter'];

/**
 * A filter is "above target" when its measured rate exceeds twice the target over enough checks:
 * with a 1% target, 50 checks see no false positive 60% of the time, so a small sample proves
 * nothing either way and is labelled as such.
 */
export function bloomVerdict(
  filter: Pick<Filter, 'negatives' | 'falsePositives' | 'targetFalsePositiveRate'>,
): BloomVerdict {
  const absentChecks = filter.negatives + filter.falsePositives;
  const measured = absentChecks === 0 ? null : filter.falsePositives / absentChecks;
  const target = filter.targetFalsePositiveRate;
  let status: BloomStatus;
  if (measured === null) status = 'no checks yet';
  else if (absentChecks < bloomChecksMin) status = 'too few checks';
  else status = measured > 2 * target ? 'above target' : 'within target';
  return { absentChecks, measured, target, status };
}

/** Bloom counts summed over every table of the store (the node's read path as a whole). */
export function bloomTotals(storage: StorageSnapshot) {
  let negatives = 0;
  let truePositives = 0;
  let falsePositives = 0;
  let target = 0;
  for (const level of storage.levels) {
    for (const t of level.tables) {
      negatives += t.filter.negatives;
      truePositives += t.filter.truePositives;
      falsePositives += t.filter.falsePositives;
      target = Math.max(target, t.filter.targetFalsePositiveRate);
    }
  }
  return {
    negatives,
    truePositives,
    falsePositives,
    verdict: bloomVerdict({ negatives, falsePositives, targetFalsePositiveRate: target }),
  };
}

export interface LevelSummary {
  level: number;
  tables: number;
  bytes: number;
  entries: number;
  /** The level's key range: smallest and largest key over its tables. */
  smallest: string | null;
  largest: string | null;
}

export function levelSummaries(storage: StorageSnapshot): LevelSummary[] {
  return storage.levels.map((level) => {
    const keys = level.tables.flatMap((t) => [t.smallest, t.largest]).sort();
    return {
      level: level.level,
      tables: level.tables.length,
      bytes: level.tables.reduce((sum, t) => sum + t.bytes, 0),
      entries: level.tables.reduce((sum, t) => sum + t.entries, 0),
      smallest: keys[0] ?? null,
      largest: keys[keys.length - 1] ?? null,
    };
  });
}

/** Tables on every level together. */
export function tableCount(storage: StorageSnapshot): number {
  return storage.levels.reduce((sum, level) => sum + level.tables.length, 0);
}

/** How full the memtable is, 0…1 (it is frozen and flushed at 1). */
export function memtableFill(storage: StorageSnapshot): number {
  const { bytes, bytesMax } = storage.memtable;
  return bytesMax > 0 ? Math.min(1, bytes / bytesMax) : 0;
}

/** Whether the last open replayed or repaired anything worth a line ("recovered after restart"). */
export function recoveredSomething(storage: StorageSnapshot): boolean {
  const r = storage.recovery;
  return r.recordsReplayed > 0 || r.truncatedBytes > 0 || r.orphansDeleted.length > 0 || r.logsReplayed > 0;
}
