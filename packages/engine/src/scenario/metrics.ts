/**
 * A run's metrics, computed from its history and the simulator's counters after the run: operations
 * by outcome, latency percentiles of the ones that succeeded, messages, stale reads and siblings.
 * Pure: the same history and counters give the same figures.
 */

import type { ClusterEvent } from '../protocol/events.ts';
import { invokesOf } from '../simulation/checkers/checker.ts';
import type { CheckerVerdicts } from '../simulation/checkers/runCheckers.ts';
import type { HistoryOp, OpFunction } from '../simulation/history.ts';
import type { LatencySummary, OutcomeCounts, RepairMetrics, RunMetrics, StorageMetrics } from './report.ts';

const emptyCounts = (): OutcomeCounts => ({ ok: 0, fail: 0, info: 0, open: 0 });

/** Nearest-rank percentile of an ascending list (0 for an empty one). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

function summarise(latencies: readonly number[]): LatencySummary {
  // A typed array sorts numerically in native code: the same order as `(a, b) => a - b` for the
  // finite latencies here, without a JavaScript comparator call per comparison.
  const sorted = Float64Array.from(latencies).sort();
  const round = (ms: number) => Math.round(ms * 1_000) / 1_000;
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? 0),
  };
}

export function computeMetrics(
  history: readonly HistoryOp[],
  counters: { sent: number; delivered: number; dropped: number; steps: number },
  verdicts: CheckerVerdicts,
  simulatedMs: number,
): RunMetrics {
  const totals = emptyCounts();
  const byFunction: Partial<Record<OpFunction, OutcomeCounts>> = {};
  const latencies = new Map<OpFunction | 'all', number[]>();
  const all: number[] = [];
  latencies.set('all', all);
  const invokes = invokesOf(history); // the invoke each completion closes, paired once per history
  const siblings = { reads: 0, readsWithSiblings: 0, max: 0 };
  for (let i = 0; i < history.length; i++) {
    const op = history[i]!;
    let counts = byFunction[op.f];
    if (counts === undefined) {
      counts = emptyCounts();
      byFunction[op.f] = counts;
    }
    if (op.type === 'invoke') {
      counts.open++;
      totals.open++;
      continue;
    }
    counts.open--;
    totals.open--;
    counts[op.type]++;
    totals[op.type]++;
    const invoke = invokes[i];
    if (op.type !== 'ok' || invoke === undefined) continue;
    let list = latencies.get(op.f);
    if (list === undefined) {
      list = [];
      latencies.set(op.f, list);
    }
    list.push(op.time - invoke.time);
    all.push(op.time - invoke.time);
    if (op.f !== 'get' && op.f !== 'read') continue;
    const count = op.siblings?.length ?? 0;
    siblings.reads++;
    if (count > 1) siblings.readsWithSiblings++;
    siblings.max = Math.max(siblings.max, count);
  }
  const latencyMs: RunMetrics['latencyMs'] = {};
  for (const [f, list] of latencies) latencyMs[f] = summarise(list);
  const stale = verdicts.results.find((r) => r.property === 'P4');
  return {
    operations: { total: totals.ok + totals.fail + totals.info + totals.open, ...totals, byFunction },
    latencyMs,
    messages: { sent: counters.sent, delivered: counters.delivered, dropped: counters.dropped },
    staleReads: stale?.counts.staleReads ?? 0,
    siblings,
    simulatedMs,
    steps: counters.steps,
  };
}

/**
 * Counts the failure-handling protocols' work from the nodes' events as the run goes (a simulator
 * listener), and when a replica last changed by a repair: `convergedAfterMs` is that time minus the
 * last fault's, the time the cluster took to converge after the heal (an upper bound when nothing
 * diverged at all).
 */
export class RepairTally {
  private readonly counts: Omit<RepairMetrics, 'lastFaultAtMs' | 'convergedAfterMs'> = {
    hintsStored: 0,
    hintsReplayed: 0,
    hintsDropped: 0,
    readRepairs: 0,
    readRepairReplicas: 0,
    writeBacks: 0,
    writeBackReplicas: 0,
    storedByReadRepair: 0,
    storedByHintReplay: 0,
    storedByAntiEntropy: 0,
    antiEntropyExchanges: 0,
    antiEntropyRepairs: 0,
    antiEntropyKeysRepaired: 0,
    antiEntropyBytes: 0,
    antiEntropyMessages: 0,
  };
  private lastRepairAt: number | null = null;

  observe(event: ClusterEvent): void {
    const c = this.counts;
    switch (event.type) {
      case 'hint.stored':
        c.hintsStored++;
        return;
      case 'hint.replayed':
        c.hintsReplayed++;
        return;
      case 'hint.dropped':
        c.hintsDropped++;
        return;
      case 'read-repair.sent':
        c.readRepairs++;
        c.readRepairReplicas += event.replicas.length;
        return;
      case 'write-back.sent':
        c.writeBacks++;
        c.writeBackReplicas += event.replicas.length;
        return;
      case 'antientropy.done':
        c.antiEntropyExchanges++;
        c.antiEntropyBytes += event.bytes;
        c.antiEntropyMessages += event.messages;
        if (event.keysRepaired > 0) {
          c.antiEntropyRepairs++;
          c.antiEntropyKeysRepaired += event.keysRepaired;
        }
        return;
      case 'version.stored':
        this.onStored(event.at, event.cause);
        return;
    }
  }

  private onStored(at: number, cause: string): void {
    const c = this.counts;
    if (cause === 'read-repair') c.storedByReadRepair++;
    else if (cause === 'anti-entropy') c.storedByAntiEntropy++;
    else if (cause === 'hint-replay') c.storedByHintReplay++;
    else return;
    this.lastRepairAt = at;
  }

  metrics(lastFaultAtMs: number | null): RepairMetrics {
    const after =
      lastFaultAtMs === null || this.lastRepairAt === null
        ? null
        : Math.max(0, this.lastRepairAt - lastFaultAtMs);
    return { ...this.counts, lastFaultAtMs, convergedAfterMs: after };
  }
}

/** Counts the nodes' storage work from their `storage` events as the run goes (a simulator listener). */
export class StorageTally {
  private readonly counts: StorageMetrics = {
    memtableFlushes: 0,
    compactions: 0,
    tablesWritten: 0,
    tableBytesWritten: 0,
    recoveries: 0,
    logRecordsReplayed: 0,
    errors: 0,
    scrubPasses: 0,
    blocksScrubbed: 0,
  };

  observe(event: ClusterEvent): void {
    if (event.type !== 'storage') return;
    const c = this.counts;
    const e = event.event;
    if (e.type === 'memtable.flushed') c.memtableFlushes++;
    else if (e.type === 'compaction.done') c.compactions++;
    else if (e.type === 'table.written') {
      c.tablesWritten++;
      c.tableBytesWritten += e.bytes;
    } else if (e.type === 'recovery.done' && (e.logsReplayed > 0 || e.tables > 0)) {
      c.recoveries++;
      c.logRecordsReplayed += e.recordsReplayed;
    } else if (e.type === 'scrub.passed') {
      c.scrubPasses++;
      c.blocksScrubbed += e.blocks;
    } else if (e.type === 'storage.error') c.errors++;
  }

  metrics(): StorageMetrics {
    return { ...this.counts };
  }
}
