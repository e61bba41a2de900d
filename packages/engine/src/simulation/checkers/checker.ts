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
 *
 * With replication per data centre "R + W > N" becomes "every read quorum meets every write quorum"
 * (`levelsIntersect`): LOCAL_QUORUM reads and writes meet only when both are in the same data
 * centre, so across data centres they promise nothing; EACH_QUORUM on either side meets a
 * LOCAL_QUORUM on the other; counts over all N meet a per-DC quorum when they cannot avoid it.
 *
 * Cost: the checkers run once per run, over every record, so most of their work happens before
 * the JIT has optimised them. Their per-record loops are indexed (`for (let i …)`), because an
 * unoptimised `for … of` allocates an iterator result per step; the passes share one pairing of
 * the history (`operations`, `invokesOf`, `okWritesByKey`, `okReads`, `operationsByKind`) and one
 * index of its writes (keyWrites.ts); and a violation's sentence is built only for the violations
 * kept. Much of their time is spent waiting on memory (a run's records do not fit in the core's
 * cache, and each pass reads them again: profiles put the first read of each record among the
 * costliest lines), so a pass that needs one kind of operation walks `okReads` or
 * `operationsByKind`, not every record. A long loop that
 * runs once per run is optimised while it runs (on-stack replacement), and V8 keeps that code for
 * the next run; code after the loop that had not run yet when it was compiled then deoptimises it
 * at the end of every run. So each checker's main loop is alone in a function that returns when
 * the loop ends.
 */

import type {
  ConflictMode,
  ConsistencyLevel,
  QuorumMode,
  ReadRepairMode,
  Scenario,
} from '../../scenario/types.ts';
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
  /** When reads repair stale replicas (monotonic reads are promised only before the reply); absent: `before-reply`, the store's default. */
  readRepair?: ReadRepairMode;
  /** Replicas per data centre, with the named levels: quorums are then judged per data centre. */
  dataCentres?: {
    replicationPerDc: Readonly<Record<string, number>>;
    r: ConsistencyLevel;
    w: ConsistencyLevel;
  };
  /**
   * Reads invoked at or after this simulated time are *final* reads, taken after the faults healed
   * and the cluster settled (P9 holds for them under any R/W). Absent: no read is final.
   */
  finalReadsFromMs?: number;
  /** The clock pruning threshold (absent: `vectorClockEntriesMax`); see pruning.ts. */
  clockEntriesMax?: number;
  /**
   * Disks the run wipes or damages (a `corrupt` fault: a node that finds its files damaged is erased,
   * node/contract.ts): as many as W can erase every copy of an acknowledged write (lostWrites.ts).
   */
  wipes?: number;
}

const majority = (k: number) => Math.floor(k / 2) + 1;

/**
 * R and W as replica counts. Without data centres LOCAL/EACH_QUORUM are QUORUM (as the node treats
 * them); with them, EACH_QUORUM is the sum of every DC's majority and LOCAL_QUORUM the smallest DC
 * majority (the fewest answers a request at that level can complete with).
 */
export function replicaCount(
  level: ConsistencyLevel,
  n: number,
  replicationPerDc?: Readonly<Record<string, number>>,
): number {
  if (typeof level === 'number') return level;
  if (level === 'ONE') return 1;
  if (level === 'ALL') return n;
  const perDc = Object.values(replicationPerDc ?? {}).filter((k) => k > 0);
  if (level === 'QUORUM' || perDc.length === 0) return majority(n);
  const majorities = perDc.map(majority);
  return level === 'EACH_QUORUM' ? majorities.reduce((a, b) => a + b, 0) : Math.min(...majorities);
}

export function checkerConfigOf(scenario: Scenario): CheckerConfig {
  const { cluster, workload } = scenario;
  const r = workload.r ?? cluster.r;
  const w = workload.w ?? cluster.w;
  const perDc = cluster.replicationPerDc;
  return {
    n: cluster.n,
    r: replicaCount(r, cluster.n, perDc),
    w: replicaCount(w, cluster.n, perDc),
    quorum: cluster.quorum,
    conflictMode: cluster.conflictMode,
    readRepair: cluster.readRepair,
    ...(perDc === undefined ? {} : { dataCentres: { replicationPerDc: perDc, r, w } }),
    finalReadsFromMs: workload.durationMs + workload.settleMs,
    ...(cluster.clockEntriesMax === undefined ? {} : { clockEntriesMax: cluster.clockEntriesMax }),
    wipes: scenario.faults.filter((fault) => fault.type === 'wipe' || fault.type === 'corrupt').length,
  };
}

/**
 * Strict quorums whose read quorum always meets the last write quorum (SPEC 1.4): R + W > N, or
 * with data centres `levelsIntersect`.
 */
export function quorumsIntersect(config: CheckerConfig): boolean {
  if (config.quorum !== 'strict') return false;
  const dcs = config.dataCentres;
  if (dcs === undefined) return config.r + config.w > config.n;
  return levelsIntersect(dcs.r, dcs.w, dcs.replicationPerDc);
}

/**
 * Whether a read is promised to see every write acknowledged before it (P4, and P5's read-your-
 * writes): intersecting strict quorums in siblings mode. Under last-write-wins a concurrent write
 * with a later timestamp (or a skewed clock) replaces an acknowledged write by design — the lab's
 * contrast — so there both are measured, not promised.
 *
 * They hold across membership changes too. While a range moves, a coordinator that has not heard
 * of the change yet still reads the old preference list; random compound-fault runs showed reads
 * that missed a write acknowledged by a node losing the range while its forward to the joiner was
 * held up (1 of 400 strict runs with a join and a decommission). A joiner now serves only once
 * every node losing a range to it has stopped serving the range and delivered its forwards, and
 * under strict quorums a node answers only for keys its own ring gives it (rebalance/rangeFences.ts).
 * They hold across wipes too: a wiped replica rebuilds before it answers reads (rebalance.ts).
 *
 * They are not promised when the run wipes as many disks as W: an acknowledged write can then be
 * lost (P1 is not promised either), and every later read misses it.
 */
export function freshReadsPromised(config: CheckerConfig): boolean {
  return quorumsIntersect(config) && acknowledgedWritesKept(config);
}

/**
 * Whether every acknowledged write is promised to survive (P1, and the set checker's adds): in
 * siblings mode (last-write-wins loses concurrent writes by design), and unless the run wipes as
 * many disks as W, which can erase every copy of a write (a sweep with R = W = 1 and one wipe).
 */
export function acknowledgedWritesKept(
  config?: Partial<Pick<CheckerConfig, 'conflictMode' | 'w' | 'wipes'>>,
): boolean {
  const copiesSurvive = (config?.wipes ?? 0) < (config?.w ?? Number.POSITIVE_INFINITY);
  return (config?.conflictMode ?? 'siblings') === 'siblings' && copiesSurvive;
}

/** What one request at a level needs: a count over all N, or a count in each of some data centres. */
type QuorumShape = { total: number } | { perDc: Record<string, number> };

/** Every shape a level can take: LOCAL_QUORUM takes one per data centre its coordinator may be in. */
function shapesOf(level: ConsistencyLevel, perDc: Readonly<Record<string, number>>): QuorumShape[] {
  const dcs = Object.entries(perDc).filter(([, k]) => k > 0);
  const n = dcs.reduce((sum, [, k]) => sum + k, 0);
  if (level === 'EACH_QUORUM')
    return [{ perDc: Object.fromEntries(dcs.map(([dc, k]) => [dc, majority(k)])) }];
  if (level === 'LOCAL_QUORUM') return dcs.map(([dc, k]) => ({ perDc: { [dc]: majority(k) } }));
  return [{ total: replicaCount(level, n) }];
}

/** Whether any two replica sets meeting `a` and `b` must share a replica. */
function shapesMeet(a: QuorumShape, b: QuorumShape, perDc: Readonly<Record<string, number>>): boolean {
  const n = Object.values(perDc).reduce((sum, k) => sum + k, 0);
  const size = (s: { perDc: Record<string, number> }) => Object.values(s.perDc).reduce((x, y) => x + y, 0);
  if ('total' in a && 'total' in b) return a.total + b.total > n;
  if ('total' in a && 'perDc' in b) return a.total + size(b) > n;
  if ('perDc' in a && 'total' in b) return size(a) + b.total > n;
  const x = a as { perDc: Record<string, number> };
  const y = b as { perDc: Record<string, number> };
  // Inside one data centre two sets can avoid each other unless their sizes exceed its replicas.
  return Object.entries(x.perDc).some(([dc, q]) => {
    const other = y.perDc[dc];
    return other !== undefined && q + other > (perDc[dc] ?? 0);
  });
}

/**
 * With replication per data centre, whether every read at `r` meets every write at `w` wherever
 * their coordinators are. LOCAL_QUORUM with LOCAL_QUORUM is strict only within one data centre, so
 * (with two or more DCs) it is not promised.
 */
export function levelsIntersect(
  r: ConsistencyLevel,
  w: ConsistencyLevel,
  replicationPerDc: Readonly<Record<string, number>>,
): boolean {
  const writes = shapesOf(w, replicationPerDc);
  const reads = shapesOf(r, replicationPerDc);
  return writes.every((a) => reads.every((b) => shapesMeet(a, b, replicationPerDc)));
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

  /**
   * Counts a violation, and keeps it while fewer than `checkerViolationsMax` are kept. The
   * explanation may be a function, called only for a kept violation: a broken run can have
   * thousands, and only the first few are ever read.
   */
  add(rule: string, key: string, ops: number[], explanation: string | (() => string)): void {
    this.count++;
    if (this.kept.length >= checkerViolationsMax) return;
    const text = typeof explanation === 'string' ? explanation : explanation();
    this.kept.push({ rule, key, ops, explanation: text });
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

/**
 * Pairs of a history seen already, for the checkers of one run that each ask: kept while the history
 * array lives, and redone when records were appended since (a history only ever grows).
 */
const paired = new WeakMap<readonly HistoryOp[], Paired>();

interface Paired {
  length: number;
  all: readonly Operation[];
  /** `invokeAt[i]`: the invoke that history record `i` completes (undefined for an invoke). */
  invokeAt: readonly (HistoryOp | undefined)[];
  /** Every write completed `ok`, by key, in history order. */
  okWrites: ReadonlyMap<string, readonly HistoryOp[]>;
  /** Every paired read completed `ok`, in history order, with its key's writes. */
  okReads: readonly OkRead[];
  /** Indexes into `all` of the reads (`get`, `read`), and of the writes, whatever their outcome. */
  readOps: readonly number[];
  writeOps: readonly number[];
  /** Some invoke's key holds " {" (keyWrites.ts `keysMayJoinAmbiguously`). */
  bracedKeys: boolean;
  /** Some record is an `add` (the set workload's history). */
  adds: boolean;
}

/**
 * An `ok` read with the `ok` writes of its key: P4 and P6 judge it against those that completed
 * before it was invoked (`writesBefore`). Listed while pairing, so that those passes walk the reads
 * alone instead of every record.
 */
export interface OkRead {
  /** The read's `ok` record. */
  read: HistoryOp;
  invoke: HistoryOp;
  /** The key's `ok` writes in history order; only the first `writesBefore(read)` concern it. */
  writes: readonly HistoryOp[];
}

/** Pairs every invoke with its completion (the next record of the same process), in invoke order. */
export function operations(history: readonly HistoryOp[]): readonly Operation[] {
  return pairedOf(history).all;
}

/** For each history record, the invoke it completes (undefined for invokes and unpaired records). */
export function invokesOf(history: readonly HistoryOp[]): readonly (HistoryOp | undefined)[] {
  return pairedOf(history).invokeAt;
}

/** The writes that completed `ok`, by key, in history order (shared by the checkers of a run). */
export function okWritesByKey(history: readonly HistoryOp[]): ReadonlyMap<string, readonly HistoryOp[]> {
  return pairedOf(history).okWrites;
}

/** The `ok` reads that close an invoke, in history order, each with its key's writes. */
export function okReads(history: readonly HistoryOp[]): readonly OkRead[] {
  return pairedOf(history).okReads;
}

/**
 * The operations that are reads, and those that are writes (by their invoke's `f`), as indexes into
 * `operations(history)` in invoke order: a pass over one kind skips the other without reading its
 * records (which, out of cache, is most of what skipping costs).
 */
export function operationsByKind(history: readonly HistoryOp[]): {
  reads: readonly number[];
  writes: readonly number[];
} {
  const { readOps, writeOps } = pairedOf(history);
  return { reads: readOps, writes: writeOps };
}

/** Whether some invoke of the history has a key holding " {" (keyWrites.ts `keysMayJoinAmbiguously`). */
export function hasBracedKeys(history: readonly HistoryOp[]): boolean {
  return pairedOf(history).bracedKeys;
}

/** Whether some record of the history is an `add`: `history.some((op) => op.f === 'add')`. */
export function hasAdds(history: readonly HistoryOp[]): boolean {
  return pairedOf(history).adds;
}

function pairedOf(history: readonly HistoryOp[]): Paired {
  const seen = paired.get(history);
  if (seen !== undefined && seen.length === history.length) return seen;
  const fresh = pair(history);
  paired.set(history, fresh);
  return fresh;
}

function pair(history: readonly HistoryOp[]): Paired {
  const open = new Map<number, Operation | undefined>(); // closed: undefined (no delete, no rehash)
  const all: Operation[] = [];
  const invokeAt: (HistoryOp | undefined)[] = new Array(history.length).fill(undefined);
  const okWrites = new Map<string, HistoryOp[]>();
  const okReads: OkRead[] = [];
  const readOps: number[] = [];
  const writeOps: number[] = [];
  let adds = false;
  let bracedKeys = false;
  for (let i = 0; i < history.length; i++) {
    const op = history[i]!;
    if (op.f === 'add') adds = true;
    if (op.type === 'invoke') {
      if (op.key.includes(' {')) bracedKeys = true;
      const operation = { invoke: op, completion: null };
      open.set(op.process, operation);
      if (op.f === 'get' || op.f === 'read') readOps.push(all.length);
      else writeOps.push(all.length);
      all.push(operation);
      continue;
    }
    if (op.type === 'ok' && op.f !== 'get' && op.f !== 'read') {
      const list = okWrites.get(op.key);
      if (list === undefined) okWrites.set(op.key, [op]);
      else list.push(op);
    }
    const operation = open.get(op.process);
    if (operation === undefined) continue;
    operation.completion = op;
    invokeAt[i] = operation.invoke;
    open.set(op.process, undefined);
    if (op.type === 'ok' && (op.f === 'get' || op.f === 'read')) {
      const writes = okWrites.get(op.key) ?? noWrites;
      okReads.push({ read: op, invoke: operation.invoke, writes });
    }
  }
  return { length: history.length, all, invokeAt, okWrites, okReads, readOps, writeOps, bracedKeys, adds };
}

const noWrites: readonly HistoryOp[] = [];

/** Steps back over writes that completed while a read was open, before searching the rest. */
const concurrentWritesScanMax = 8;

/**
 * How many of the writes of `read`'s key completed before it was invoked. Those that did not
 * completed while it was open: they are the last few, and the ones the checker reads next. Step
 * back over them, and search only when there are many.
 */
export function writesBefore(read: OkRead): number {
  const { writes, invoke } = read;
  let count = writes.length;
  for (let steps = 0; count > 0 && writes[count - 1]!.index > invoke.index; steps++) {
    if (steps === concurrentWritesScanMax) return searchBefore(writes, invoke.index);
    count--;
  }
  return count;
}

/** How many of `writes` (in history order) were acknowledged before record `index`: a binary search. */
function searchBefore(writes: readonly HistoryOp[], index: number): number {
  let lo = 0;
  let hi = writes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (writes[mid]!.index < index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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
