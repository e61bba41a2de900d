/**
 * P4, no stale read of a completed write (TESTING.md; SPEC 1.4): with strict quorums and R + W > N
 * every read quorum meets the quorum of the last write, so a read *invoked after* a write of its key
 * completed `ok` must return a context that descends that write's clock (deletes included: the
 * tombstone's clock).
 *
 *   put k ok {n1:2} ─────┐
 *                        get k invoked later → context must descend {n1:2}, else STALE
 *
 * "After" is history order: the read's invoke record comes after the write's ok record. Writes
 * still in flight when the read starts are concurrent with it and not judged. The checker runs in
 * every configuration and counts stale reads (an R=W=1 history must show them: P10, the negative
 * control), but the property is *promised* only when quorums intersect, in siblings mode
 * (`freshReadsPromised`: last-write-wins replaces acknowledged writes by design).
 */

import type { HistoryClock, HistoryOp } from '../history.ts';
import {
  type CheckerConfig,
  type CheckerResult,
  freshReadsPromised,
  type OkRead,
  okReads,
  ViolationLog,
  writesBefore,
} from './checker.ts';
import { covers, mergeInto, showClock } from './clocks.ts';

export function checkNoStaleReads(history: readonly HistoryOp[], config: CheckerConfig): CheckerResult {
  const log = new ViolationLog();
  const counts = { reads: 0, readsAfterWrites: 0, staleReads: 0 };
  findStaleReads(okReads(history), log, counts);
  return log.result('no-stale-reads', 'P4', freshReadsPromised(config), counts);
}

/**
 * Every `ok` read against the writes completed before it. The loop is alone in its function (see
 * checker.ts, Cost): code after it would deoptimise the loop's kept code on every run.
 */
function findStaleReads(
  reads: readonly OkRead[],
  log: ViolationLog,
  counts: { reads: number; readsAfterWrites: number; staleReads: number },
): void {
  const merges: Merges = new Map();
  for (let i = 0; i < reads.length; i++) {
    const { read: op, invoke, writes } = reads[i]!;
    const prefix = writesBefore(reads[i]!);
    counts.reads++;
    if (prefix === 0) continue;
    counts.readsAfterWrites++;
    // Missing the latest earlier write is a stale read at once; otherwise covering the merge of the
    // earlier writes is covering each of them (the merge is their least upper bound; with one
    // earlier write, that write is the merge).
    const missesLatest = !covers(op.context, writes[prefix - 1]!.clock);
    if (!missesLatest && (prefix === 1 || covers(op.context, mergedPrefix(merges, op.key, writes, prefix))))
      continue;
    const latest = lastMissed(writes, prefix, op.context);
    if (latest === undefined) continue;
    counts.staleReads++;
    log.add('stale-read', op.key, [op.index, latest.index], () => {
      const missed = writes.slice(0, prefix).filter((w) => !covers(op.context, w.clock)).length;
      return `the read of ${op.key} invoked at ${invoke.time} ms (process ${op.process}) returned context ${showClock(op.context)}, which misses ${missed} write(s) completed before it, latest the ${latest.f} acknowledged at ${latest.time} ms with clock ${showClock(latest.clock)}`;
    });
  }
}

/** Key → `i` → the merge of the clocks of the key's first i + 1 completed writes. */
type Merges = Map<string, HistoryClock[]>;

/**
 * The merge of the first `count` of a key's completed writes, from `merges` or added to it. A
 * module function, not a closure made per run: the optimised checker would see a new callee each
 * run, and throw its code away for it.
 */
function mergedPrefix(
  merges: Merges,
  key: string,
  writes: readonly HistoryOp[],
  count: number,
): HistoryClock {
  let list = merges.get(key);
  if (list === undefined) {
    list = [];
    merges.set(key, list);
  }
  for (let i = list.length; i < count; i++) {
    const merged = i === 0 ? {} : mergeInto({}, list[i - 1]);
    list.push(mergeInto(merged, writes[i]!.clock));
  }
  return list[count - 1]!;
}

/** The latest of the first `prefix` writes that `context` does not cover. */
function lastMissed(
  writes: readonly HistoryOp[],
  prefix: number,
  context: HistoryClock | null,
): HistoryOp | undefined {
  for (let i = prefix - 1; i >= 0; i--) if (!covers(context, writes[i]!.clock)) return writes[i];
  return undefined;
}
