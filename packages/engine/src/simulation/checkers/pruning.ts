/**
 * Whether clock pruning may have hidden causality from the checkers (SPEC 1.5). A coordinator
 * prunes a new clock down to `clockEntriesMax` entries, oldest first. The store stays safe — a
 * replica drops a version only when a writer had seen its dot, and a pruned entry can only make a
 * version look concurrent — but the checkers judge from the clocks they see: once an entry is
 * pruned, a write superseded through it no longer shows as superseded (P1), a new clock no longer
 * descends its context (P2), a read's context no longer covers the writes it saw (P4–P6), and the
 * false conflicts pruning makes by design break P7. So those are measured, not promised, in a run
 * where pruning may have happened.
 *
 * It may have happened only if some observed clock holds `clockEntriesMax` entries or more: a pruned
 * clock holds exactly that many, and every clock that descends one holds at least as many. So a run
 * whose reads, acknowledged writes and final replicas all show smaller clocks is judged exactly.
 */

import type { HistoryClock, HistoryOp } from '../history.ts';
import type { ReplicaStates } from './checker.ts';

function size(clock: HistoryClock | null | undefined): number {
  let entries = 0;
  if (clock) for (const _ in clock) entries++;
  return entries;
}

/**
 * True when some clock of the history or the final state has reached `entriesMax` entries. The
 * history loop walks by index and makes nothing for a record without siblings (checker.ts, Cost).
 */
export function clocksMayBePruned(
  history: readonly HistoryOp[],
  finalState: ReplicaStates,
  entriesMax: number,
): boolean {
  for (let i = 0; i < history.length; i++) {
    const op = history[i]!;
    if (op.type !== 'ok') continue;
    if (size(op.clock) >= entriesMax) return true;
    const siblings = op.siblings;
    if (!siblings) continue;
    for (let k = 0; k < siblings.length; k++) if (size(siblings[k]!.clock) >= entriesMax) return true;
  }
  for (const node of Object.values(finalState))
    for (const versions of Object.values(node))
      for (const v of versions) if (size(v.clock) >= entriesMax) return true;
  return false;
}
