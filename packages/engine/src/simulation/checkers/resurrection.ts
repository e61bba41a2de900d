/**
 * P9, no resurrected deletes (TESTING.md T8; SPEC 1.5: tombstones are purged only after every
 * replica has them). A delete D of key k acknowledged with clock C, after which no write of k was
 * invoked, must stay deleted: a read must not return a *live* sibling whose clock C covers (a value
 * D had seen and removed). A live sibling concurrent with D is fine — a write concurrent with a
 * delete survives as a sibling.
 *
 * Which reads are judged: every read invoked after D's acknowledgement when quorums intersect
 * (strict, R + W > N: such a read meets D's write quorum), and in any configuration the *final*
 * reads (invoked at or after `finalReadsFromMs`, after the faults healed and the cluster settled).
 * A partial-quorum read in the middle of a run may legitimately reach a replica D has not reached
 * yet; that is staleness (P6), not resurrection.
 *
 * Not promised under last-write-wins: a put stamped by a clock running ahead beats a later delete
 * stamped by one running behind, and the deleted value is back by design (a sweep of random faults
 * with `conflictMode: "lww"` showed it; the lab's contrast).
 */

import type { HistoryOp } from '../history.ts';
import {
  type CheckerConfig,
  type CheckerResult,
  invokesOf,
  quorumsIntersect,
  ViolationLog,
} from './checker.ts';
import { coversVersion, showClock } from './clocks.ts';
import { canonicalValue } from './values.ts';

export function checkNoResurrection(history: readonly HistoryOp[], config: CheckerConfig): CheckerResult {
  const log = new ViolationLog();
  const counts = { deletes: 0, finalDeletes: 0, readsJudged: 0, resurrections: 0 };
  const deletes = history.filter((op) => op.type === 'ok' && op.f === 'delete');
  counts.deletes = deletes.length;
  const promised = config.conflictMode !== 'lww';
  if (deletes.length === 0) return log.result('no-resurrection', 'P9', promised, counts);
  const lastWriteInvoke = new Map<string, number>();
  for (let i = 0; i < history.length; i++) {
    const op = history[i]!;
    if (op.type === 'invoke' && op.f !== 'get' && op.f !== 'read') lastWriteInvoke.set(op.key, op.index);
  }
  const finalDeletes = new Map<string, HistoryOp>();
  for (const op of deletes) if ((lastWriteInvoke.get(op.key) ?? -1) < op.index) finalDeletes.set(op.key, op);
  counts.finalDeletes = finalDeletes.size;
  const invokes = invokesOf(history);
  const strict = quorumsIntersect(config);
  for (let i = 0; i < history.length; i++) {
    const op = history[i]!;
    if (op.type !== 'ok' || (op.f !== 'get' && op.f !== 'read')) continue;
    const del = finalDeletes.get(op.key);
    const invoke = invokes[i];
    if (del === undefined || invoke === undefined || invoke.index < del.index) continue;
    const final = config.finalReadsFromMs !== undefined && invoke.time >= config.finalReadsFromMs;
    if (!final && !strict) continue;
    counts.readsJudged++;
    const deleted = { clock: del.clock, dot: del.dot };
    const back = (op.siblings ?? []).find((s) => s.value !== null && coversVersion(deleted, s));
    if (back === undefined) continue;
    counts.resurrections++;
    log.add(
      'resurrected',
      op.key,
      [op.index, del.index],
      () =>
        `the ${final ? 'final ' : ''}read of ${op.key} at ${op.time} ms returned ${canonicalValue(back.value)} ${showClock(back.clock)}, which the delete acknowledged at ${del.time} ms with clock ${showClock(del.clock)} had removed, and nothing wrote ${op.key} since`,
    );
  }
  return log.result('no-resurrection', 'P9', promised, counts);
}
