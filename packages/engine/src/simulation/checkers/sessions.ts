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
  operations,
  ViolationLog,
} from './checker.ts';
import { covers, mergeInto, showClock } from './clocks.ts';

interface Session {
  writes: Map<string, OwnWrites>;
  lastRead: Map<string, HistoryOp>;
}

/** A session's `ok` writes of one key, and the merge of their clocks: covering it is covering all. */
interface OwnWrites {
  acked: HistoryOp[];
  merged: HistoryClock;
  /** The merge holds every entry (assignment drops a node named `__proto__`; then check each write). */
  whole: boolean;
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
  const sessions = new Map<number, Session>();
  const all = operations(history);
  for (let i = 0; i < all.length; i++) {
    const { invoke, completion } = all[i]!;
    if (completion?.type !== 'ok') continue;
    const session: Session = sessions.get(invoke.process) ?? { writes: new Map(), lastRead: new Map() };
    sessions.set(invoke.process, session);
    const key = invoke.key;
    if (invoke.f !== 'get' && invoke.f !== 'read') {
      let own = session.writes.get(key);
      if (own === undefined) {
        own = { acked: [], merged: {}, whole: true };
        session.writes.set(key, own);
      }
      own.acked.push(completion);
      mergeInto(own.merged, completion.clock);
      if (completion.clock && Object.hasOwn(completion.clock, '__proto__')) own.whole = false;
      continue;
    }
    counts.reads++;
    const context: HistoryClock | null = completion.context;
    const own = session.writes.get(key);
    const seenAll = own === undefined || (own.whole && covers(context, own.merged));
    const w = seenAll ? undefined : lastMissed(own.acked, context);
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
    const previous = session.lastRead.get(key);
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
    session.lastRead.set(key, completion);
  }
  const { reads, readYourWritesViolations, monotonicReadViolations } = counts;
  return [
    log.result('read-your-writes', 'P5', freshReadsPromised(config), { reads, readYourWritesViolations }),
    monotonic.result('monotonic-reads', 'P5', monotonicReadsPromised(config), {
      reads,
      monotonicReadViolations,
    }),
  ];
}

/** The latest of a session's own writes that `context` does not cover. */
function lastMissed(writes: readonly HistoryOp[], context: HistoryClock | null): HistoryOp | undefined {
  for (let i = writes.length - 1; i >= 0; i--) if (!covers(context, writes[i]!.clock)) return writes[i];
  return undefined;
}
