/**
 * P5, session guarantees per client (TESTING.md; Terry et al., "Session Guarantees"), judged per
 * process of the history (a process is one client session, its operations one at a time):
 *
 * - read-your-writes: a read's context descends the clock of every write of that key the same
 *   process completed `ok` before it;
 * - monotonic reads: a read's context descends the context of the same process's previous `ok`
 *   read of that key (a session never sees the key go back in time).
 *
 * Two results, one per guarantee, each saying whether it is promised; both are counted in every
 * configuration (sloppy and partial quorums may violate them, and the lab shows how often):
 *
 * - read-your-writes is promised with strict quorums and R + W > N in siblings mode: a completed
 *   write is on W replicas, and every read quorum meets one of them (last-write-wins may replace it
 *   by a concurrent write with a later timestamp: `freshReadsPromised`);
 * - monotonic reads need more, because a read may show a version whose write reached fewer replicas
 *   (it never completed, or not yet): promised when, besides, reads write their result back before
 *   replying (`readRepair: before-reply`, replication/readRepair.ts) and R is a majority of N (in each
 *   data centre for per-DC levels), so the result is on N − R + 1 replicas before the session sees it;
 *   and only with siblings — last-write-wins may replace a version the session saw by a concurrent
 *   one with a later timestamp, which no read repair can undo.
 */

import type { HistoryClock, HistoryOp } from '../history.ts';
import {
  type CheckerConfig,
  type CheckerResult,
  freshReadsPromised,
  type Operation,
  operations,
  ViolationLog,
} from './checker.ts';
import { covers, mergeInto, showClock } from './clocks.ts';

/** A session's keys: what it wrote and last read of each (one lookup per operation). */
type Session = Map<string, SessionKey>;

/**
 * A session's `ok` writes of one key, and the merge of their clocks (covering it is covering all);
 * and its last `ok` read of the key.
 */
interface SessionKey {
  acked: HistoryOp[];
  merged: HistoryClock;
  /** The merge holds every entry (assignment drops a node named `__proto__`; then check each write). */
  whole: boolean;
  lastRead: HistoryOp | undefined;
}

/** Whether the store promises monotonic reads in `config` (see the header). */
export function monotonicReadsPromised(config: CheckerConfig): boolean {
  // Fresh reads first (strict intersecting quorums, siblings), then the write-back before the reply.
  if (!freshReadsPromised(config) || (config.readRepair ?? 'before-reply') !== 'before-reply') return false;
  const level = config.dataCentres?.r;
  if (level === 'QUORUM' || level === 'LOCAL_QUORUM' || level === 'EACH_QUORUM' || level === 'ALL')
    return true;
  return 2 * config.r > config.n;
}

/** P5 as two results: read-your-writes, then monotonic reads. */
export function checkSessionGuarantees(
  history: readonly HistoryOp[],
  config: CheckerConfig,
): [CheckerResult, CheckerResult] {
  const log = new ViolationLog();
  const monotonic = new ViolationLog();
  const counts = { reads: 0, readYourWritesViolations: 0, monotonicReadViolations: 0 };
  judgeSessions(operations(history), log, monotonic, counts);
  const { reads, readYourWritesViolations, monotonicReadViolations } = counts;
  return [
    log.result('read-your-writes', 'P5', freshReadsPromised(config), { reads, readYourWritesViolations }),
    monotonic.result('monotonic-reads', 'P5', monotonicReadsPromised(config), {
      reads,
      monotonicReadViolations,
    }),
  ];
}

/**
 * Every `ok` operation of every session, in invoke order. The loop is alone in its function (see
 * checker.ts, Cost): code after it would deoptimise the loop's kept code on every run.
 */
function judgeSessions(
  all: readonly Operation[],
  log: ViolationLog,
  monotonic: ViolationLog,
  counts: { reads: number; readYourWritesViolations: number; monotonicReadViolations: number },
): void {
  const sessions = new Map<number, Session>();
  for (let i = 0; i < all.length; i++) {
    const { invoke, completion } = all[i]!;
    if (completion?.type !== 'ok') continue;
    const key = invoke.key;
    const seen = sessionKeyOf(sessions, invoke.process, key);
    if (invoke.f !== 'get' && invoke.f !== 'read') {
      seen.acked.push(completion);
      mergeInto(seen.merged, completion.clock);
      if (completion.clock && Object.hasOwn(completion.clock, '__proto__')) seen.whole = false;
      continue;
    }
    counts.reads++;
    const context: HistoryClock | null = completion.context;
    const seenAll = seen.acked.length === 0 || (seen.whole && covers(context, seen.merged));
    const w = seenAll ? undefined : lastMissed(seen.acked, context);
    if (w !== undefined) {
      counts.readYourWritesViolations++;
      log.add(
        'read-your-writes',
        key,
        [completion.index, w.index],
        () =>
          `process ${invoke.process} read ${key} at ${completion.time} ms with context ${showClock(context)}, missing its own ${w.f} acknowledged at ${w.time} ms with clock ${showClock(w.clock)}`,
      );
    }
    const previous = seen.lastRead;
    if (previous !== undefined && !covers(context, previous.context)) {
      counts.monotonicReadViolations++;
      monotonic.add(
        'monotonic-reads',
        key,
        [completion.index, previous.index],
        () =>
          `process ${invoke.process} read ${key} at ${completion.time} ms with context ${showClock(context)}, older than or concurrent with its previous read's ${showClock(previous.context)} at ${previous.time} ms`,
      );
    }
    seen.lastRead = completion;
  }
}

/** What session `process` wrote and read of `key`, added empty the first time. */
function sessionKeyOf(sessions: Map<number, Session>, process: number, key: string): SessionKey {
  let session = sessions.get(process);
  if (session === undefined) {
    session = new Map();
    sessions.set(process, session);
  }
  let seen = session.get(key);
  if (seen === undefined) {
    seen = { acked: [], merged: {}, whole: true, lastRead: undefined };
    session.set(key, seen);
  }
  return seen;
}

/** The latest of a session's own writes that `context` does not cover. */
function lastMissed(writes: readonly HistoryOp[], context: HistoryClock | null): HistoryOp | undefined {
  for (let i = writes.length - 1; i >= 0; i--) if (!covers(context, writes[i]!.clock)) return writes[i];
  return undefined;
}
