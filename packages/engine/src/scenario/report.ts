/**
 * The report of one scenario run (SPEC §3): what happened (the history, the faults applied), where
 * the data ended up (every replica's final contents), how it went (metrics), whether the promised
 * properties held (checker verdicts), and how to get the very same run again (seed, trace hash,
 * replay command).
 *
 * Everything but `wall` is a function of the scenario and the seed: two runs with the same inputs
 * serialise to the same bytes (`serializeReport(r, { wall: false })`, test T1). Wall-clock time is
 * measured by the driver that has a clock (the CLI, a benchmark) and kept apart.
 */

import type { ReplicaStates } from '../simulation/checkers/checker.ts';
import type { CheckerVerdicts } from '../simulation/checkers/runCheckers.ts';
import { canonicalJson, type HistoryOp, type OpFunction } from '../simulation/history.ts';
import type { AppliedFault } from '../simulation/nemesis.ts';
import type { Scenario } from './types.ts';

/** The report format's version: bumped when a field changes meaning. */
export const reportFormatVersion = 1;

export interface OutcomeCounts {
  ok: number;
  fail: number;
  info: number;
  /** Invoked and never completed before the run ended (Jepsen counts them as `info`). */
  open: number;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface RunMetrics {
  operations: OutcomeCounts & { total: number; byFunction: Partial<Record<OpFunction, OutcomeCounts>> };
  /** Simulated latency (ms) of operations that completed `ok`, per function and over all. */
  latencyMs: Partial<Record<OpFunction | 'all', LatencySummary>>;
  messages: { sent: number; delivered: number; dropped: number };
  /** Reads that missed a write completed before they started (P4's count, in any configuration). */
  staleReads: number;
  /** Reads that returned more than one sibling, and the most siblings one read returned. */
  siblings: { reads: number; readsWithSiblings: number; max: number };
  /** Virtual time at the end of the run, and simulation steps taken. */
  simulatedMs: number;
  steps: number;
  /** What the failure-handling protocols did (hinted handoff, read repair, anti-entropy). */
  repair?: RepairMetrics;
  /** What the nodes' LSM stores did, summed over every node and incarnation (SPEC 1.8). */
  storage?: StorageMetrics;
}

/** Counted from the nodes' storage events over the whole run. */
export interface StorageMetrics {
  memtableFlushes: number;
  compactions: number;
  /** Tables written by flushes and compactions, and their bytes. */
  tablesWritten: number;
  tableBytesWritten: number;
  /** Stores opened from files that already held something (a restart), and log records replayed. */
  recoveries: number;
  logRecordsReplayed: number;
  /** Storage errors a node reported (a full disk, a corrupt file). */
  errors: number;
  /** Scrub passes completed (every table re-read and verified) and the blocks they verified. */
  scrubPasses: number;
  blocksScrubbed: number;
}

/** Counted from the nodes' events over the whole run (SPEC 1.6, TESTING T7). */
export interface RepairMetrics {
  hintsStored: number;
  hintsReplayed: number;
  hintsDropped: number;
  /** Read repairs sent (one per read that found stale replicas), and replicas they reached. */
  readRepairs: number;
  readRepairReplicas: number;
  /** Write-backs before a read's reply (readRepair: before-reply; a read sends again after a refusal), and replicas sent them. */
  writeBacks: number;
  writeBackReplicas: number;
  /** Versions a replica stored, by cause: how keys got repaired. */
  storedByReadRepair: number;
  storedByHintReplay: number;
  storedByAntiEntropy: number;
  antiEntropyExchanges: number;
  /** Exchanges that found differences, the keys whose versions travelled, and their bytes and messages. */
  antiEntropyRepairs: number;
  antiEntropyKeysRepaired: number;
  antiEntropyBytes: number;
  antiEntropyMessages: number;
  /** The last fault (usually the heal) and how long after it the last repair changed a replica; null without one. */
  lastFaultAtMs: number | null;
  convergedAfterMs: number | null;
}

export interface RunReport {
  format: number;
  name: string;
  seed: number;
  /** The one command that replays this run. */
  replay: string;
  /** Hash of the simulator's event trace: equal hashes, equal runs. */
  traceHash: string;
  /** Every promised property held. */
  valid: boolean;
  /** Set when the run stopped early because a node threw (the run is then invalid). */
  aborted?: { atMs: number; error: string };
  /** A join or decommission still under way when the run ended (nemesis.ts `unfinishedChange`). */
  unfinishedChange?: string;
  checkers: CheckerVerdicts;
  metrics: RunMetrics;
  faults: AppliedFault[];
  /** Nodes down (their contents read from their disks) or paused when the final state was taken. */
  downAtEnd: string[];
  finalState: ReplicaStates;
  /** The scenario as run: defaults filled in, the seed that was used. */
  scenario: Scenario;
  history: HistoryOp[];
  /** Wall-clock figures, when the driver measured them: not part of a run's identity. */
  /**
   * `simulateMs`: the simulation up to the final reads; `checkMs`: final contents, checkers, report,
   * and of it `finalStateMs` (every replica's final contents) and `checkersMs` (the checkers).
   */
  wall?: {
    ms: number;
    operationsPerSecond: number;
    simulateMs: number;
    checkMs: number;
    finalStateMs: number;
    checkersMs: number;
  };
}

/**
 * The report as JSON text: two-space indentation at the top level, canonical JSON (sorted keys)
 * inside, and the history one record per line, so reports are diffable and byte-stable. Also the
 * live lab's run report (apps/web live/liveRunCheck.ts), which has the same history.
 */
export function serializeReport(
  report: Readonly<{ history: readonly HistoryOp[] }>,
  options: { wall: boolean } = { wall: true },
): string {
  const fields = Object.entries(report).filter(([key]) => options.wall || key !== 'wall');
  const lines = fields.map(([key, value]) => {
    if (key !== 'history') return `  ${JSON.stringify(key)}: ${canonicalJson(value)}`;
    const ops = value as HistoryOp[];
    if (ops.length === 0) return `  "history": []`;
    return `  "history": [\n${ops.map((op) => `    ${canonicalJson(op)}`).join(',\n')}\n  ]`;
  });
  return `{\n${lines.join(',\n')}\n}\n`;
}
