/**
 * What every checker returns, and what it is told about the run. A checker is a pure function of a
 * history (history.ts), optionally the replicas' final state, and the run's configuration; it
 * never throws on a bad history — a violation is a finding, reported with the operations involved
 * and a sentence a student can follow.
 *
 * `promised` says whether the store promises the property under this configuration (P4/P5 only
 * under strict quorums with R + W > N, TESTING.md): a checker always runs and counts, so that an
 * R=W=1 run shows its stale reads (P10: linearizability is never claimed), but only a promised
 * property makes a run fail.
 */

import type { ConflictMode, ConsistencyLevel, QuorumMode, Scenario } from '../../scenario/types.ts';
import type { HistoryOp, HistorySibling } from '../history.ts';

/** The properties of TESTING.md that the history checkers judge. */
export type PropertyId = 'P1' | 'P2' | 'P3' | 'P4' | 'P5' | 'P6' | 'P7' | 'P9' | 'T2';

/** Violations kept per checker: enough to diagnose, bounded so a broken run's report stays small. */
export const checkerViolationsMax = 20;

export interface Violation {
  /** Which rule of the property failed, e.g. `stale-read`, `lost-write`. */
  rule: string;
  key: string;
  /** Indexes of the history records involved (the offending read first, then its witnesses). */
  ops: number[];
  explanation: string;
}

export interface CheckerResult {
  name: string;
  property: PropertyId;
  /** No violation was found. */
  valid: boolean;
  /** The store promises the property in this configuration; a promised, invalid result fails the run. */
  promised: boolean;
  /** The first `checkerViolationsMax` violations, in history order. */
  violations: Violation[];
  violationCount: number;
  counts: Record<string, number>;
}

/** What the checkers need to know of the run. */
export interface CheckerConfig {
  n: number;
  r: number;
  w: number;
  quorum: QuorumMode;
  conflictMode: ConflictMode;
  /**
   * Reads invoked at or after this simulated time are *final* reads, taken after the faults healed
   * and the cluster settled (P9 holds for them under any R/W). Absent: no read is final.
   */
  finalReadsFromMs?: number;
}

/** R and W as replica counts: named levels resolved against N (LOCAL/EACH_QUORUM as QUORUM). */
export function replicaCount(level: ConsistencyLevel, n: number): number {
  if (typeof level === 'number') return level;
  if (level === 'ONE') return 1;
  if (level === 'ALL') return n;
  return Math.floor(n / 2) + 1;
}

export function checkerConfigOf(scenario: Scenario): CheckerConfig {
  const { cluster, workload } = scenario;
  return {
    n: cluster.n,
    r: replicaCount(workload.r ?? cluster.r, cluster.n),
    w: replicaCount(workload.w ?? cluster.w, cluster.n),
    quorum: cluster.quorum,
    conflictMode: cluster.conflictMode,
    finalReadsFromMs: workload.durationMs + workload.settleMs,
  };
}

/** Strict quorums with R + W > N: a read quorum always meets the last write quorum (SPEC 1.4). */
export function quorumsIntersect(config: CheckerConfig): boolean {
  return config.quorum === 'strict' && config.r + config.w > config.n;
}

/**
 * The final state of every replica (SPEC §3 report): node id → key → the versions it holds, with
 * their clocks, tombstones as `value: null`. A key a node holds nothing for may be absent.
 */
export type ReplicaStates = Record<string, Record<string, HistorySibling[]>>;

/** Collects violations, keeping the first `checkerViolationsMax` and counting the rest. */
export class ViolationLog {
  readonly kept: Violation[] = [];
  count = 0;

  add(violation: Violation): void {
    this.count++;
    if (this.kept.length < checkerViolationsMax) this.kept.push(violation);
  }

  result(
    name: string,
    property: PropertyId,
    promised: boolean,
    counts: Record<string, number>,
  ): CheckerResult {
    return {
      name,
      property,
      valid: this.count === 0,
      promised,
      violations: this.kept,
      violationCount: this.count,
      counts,
    };
  }
}

/** An operation as one record: the invoke, and its completion if the history has one. */
export interface Operation {
  invoke: HistoryOp;
  completion: HistoryOp | null;
}

/** Pairs every invoke with its completion (the next record of the same process), in invoke order. */
export function operations(history: readonly HistoryOp[]): Operation[] {
  const open = new Map<number, Operation>();
  const all: Operation[] = [];
  for (const op of history) {
    if (op.type === 'invoke') {
      const operation = { invoke: op, completion: null };
      open.set(op.process, operation);
      all.push(operation);
      continue;
    }
    const operation = open.get(op.process);
    if (operation === undefined) continue;
    operation.completion = op;
    open.delete(op.process);
  }
  return all;
}

export function outcome(operation: Operation): 'ok' | 'fail' | 'info' {
  return operation.completion === null ? 'info' : (operation.completion.type as 'ok' | 'fail' | 'info');
}

/** Counts operations by outcome (`ok`, `fail`, `info`; never-completed ones count as `info`). */
export function countOutcomes(ops: readonly Operation[]): Record<'ok' | 'fail' | 'info', number> {
  const counts = { ok: 0, fail: 0, info: 0 };
  for (const op of ops) counts[outcome(op)]++;
  return counts;
}
