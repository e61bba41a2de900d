/**
 * P1, no acknowledged write is lost (TESTING.md; Dynamo §4.4, §4.6): every write that completed `ok`
 * must, in the replicas' final state, be *present* (some replica holds a version with an equal
 * clock) or *causally superseded* (some replica holds a version whose clock strictly descends it,
 * i.e. a later write whose context included it). A write no replica ever saw is lost.
 *
 *   put k=a ok {n1:1}     final: n2 k → [{a, {n1:1}}]         present
 *   put k=b ok {n1:2}     final: n3 k → [{c, {n1:2, n2:1}}]   superseded
 *   put k=d ok {n2:1}     final: nowhere, nothing descends it  LOST
 *
 * A delete's tombstone may be purged once every replica has it (SPEC 1.5), so an acked delete that
 * is neither present nor superseded counts as *purged* when no replica holds a live version it
 * covers, and as lost when one does (the deleted value is back). A present version whose value
 * differs from the acked put's is reported too (same clock, different data). Not promised under
 * last-write-wins, which loses concurrent writes by design (the lab's contrast), nor when the run
 * wipes as many disks as W: a write acknowledged by W replicas can then lose every copy (a sweep
 * with R = W = 1 and one wipe showed it).
 */

import type { HistoryOp } from '../history.ts';
import {
  acknowledgedWritesKept,
  type CheckerConfig,
  type CheckerResult,
  operations,
  type ReplicaStates,
  ViolationLog,
} from './checker.ts';
import { covers, coversOtherWrite, sameWriteOf, showClock } from './clocks.ts';
import { type Held, holdingsOf } from './replicaHoldings.ts';
import { canonicalValue, sameValue } from './values.ts';

const nothingHeld: Held = { nodes: [], versions: [] };

export function checkNoLostWrites(
  history: readonly HistoryOp[],
  finalState: ReplicaStates,
  config?: Partial<Pick<CheckerConfig, 'conflictMode' | 'w' | 'wipes'>>,
): CheckerResult {
  const log = new ViolationLog();
  const counts = { acknowledged: 0, present: 0, superseded: 0, purgedDeletes: 0, lost: 0 };
  // The shared holdings, and copies of the keys that purged tombstones are added to.
  const shared = holdingsOf(finalState).byKey;
  const withPurged = new Map<string, Held>();
  const acks: HistoryOp[] = [];
  const all = operations(history);
  for (let i = 0; i < all.length; i++) {
    const done = all[i]!.completion;
    if (done?.type === 'ok' && (done.f === 'put' || done.f === 'delete' || done.f === 'add')) acks.push(done);
  }
  // Purged tombstones stand in for their deletes: what a purged delete superseded is not lost.
  const purged = new Set<number>();
  for (let i = 0; i < acks.length; i++) {
    const ack = acks[i]!;
    if (ack.f !== 'delete' || judge(ack, heldOf(withPurged, shared, ack.key)).kind !== 'purgedDeletes')
      continue;
    purged.add(ack.index);
    let held = withPurged.get(ack.key);
    if (held === undefined) {
      const { nodes, versions } = shared.get(ack.key) ?? nothingHeld;
      held = { nodes: nodes.slice(), versions: versions.slice() };
      withPurged.set(ack.key, held);
    }
    held.nodes.push('purged');
    held.versions.push({ value: null, clock: ack.clock! });
  }
  for (let i = 0; i < acks.length; i++) {
    const completion = acks[i]!;
    counts.acknowledged++;
    const verdict = purged.has(completion.index)
      ? purgedVerdict
      : judge(completion, heldOf(withPurged, shared, completion.key));
    counts[verdict.kind]++;
    if (verdict.at === -1 && verdict.kind !== 'lost') continue;
    const held = heldOf(withPurged, shared, completion.key);
    const rule = verdict.kind === 'lost' ? 'lost-write' : 'value-mismatch';
    log.add(rule, completion.key, [completion.index], () => explain(completion, held, verdict));
  }
  return log.result('no-lost-writes', 'P1', acknowledgedWritesKept(config), counts);
}

/** What the replicas hold of `key`, purged tombstones included (a module function: see staleReads.ts). */
function heldOf(withPurged: ReadonlyMap<string, Held>, shared: ReadonlyMap<string, Held>, key: string): Held {
  return withPurged.get(key) ?? shared.get(key) ?? nothingHeld;
}

/**
 * A write's fate. `at` is the held version the explanation names: for `present`, one with another
 * value under the write's clock (a value mismatch); for a lost delete, the live value it deleted;
 * -1 otherwise.
 */
type Verdict = { kind: 'present' | 'superseded' | 'purgedDeletes' | 'lost'; at: number };

const presentVerdict: Verdict = { kind: 'present', at: -1 };
const supersededVerdict: Verdict = { kind: 'superseded', at: -1 };
const purgedVerdict: Verdict = { kind: 'purgedDeletes', at: -1 };
const lostVerdict: Verdict = { kind: 'lost', at: -1 };

/** The acknowledged write `ack` (its clock and dot) against what the replicas hold of its key. */
function judge(ack: HistoryOp, held: Held): Verdict {
  const { versions } = held;
  for (let i = 0; i < versions.length; i++) {
    if (!sameWriteOf(versions[i]!, ack)) continue;
    if (ack.f !== 'put' || sameValue(versions[i]!.value, ack.value)) return presentVerdict;
    return { kind: 'present', at: i };
  }
  // None is the same write: only a later one can cover it.
  for (let i = 0; i < versions.length; i++) if (coversOtherWrite(versions[i]!, ack)) return supersededVerdict;
  if (ack.f !== 'delete') return lostVerdict;
  const undone = versions.findIndex((v) => v.value !== null && covers(ack.clock, v.clock));
  return undone === -1 ? purgedVerdict : { kind: 'lost', at: undone };
}

/** The sentence for a lost write or a value mismatch (only for the violations a log keeps). */
function explain(ack: HistoryOp, held: Held, verdict: Verdict): string {
  const { nodes, versions } = held;
  const clock = ack.clock;
  if (verdict.kind === 'present') {
    const [node, version] = [nodes[verdict.at]!, versions[verdict.at]!];
    return `put ${ack.key}=${canonicalValue(ack.value)} acknowledged with clock ${showClock(clock)}, but ${node} holds ${canonicalValue(version.value)} under that clock`;
  }
  const what = `${ack.f} ${ack.key}${ack.f === 'put' ? `=${canonicalValue(ack.value)}` : ''}`;
  if (verdict.at !== -1)
    return `${what} was acknowledged at ${ack.time} ms with clock ${showClock(clock)}, but its tombstone is gone and ${nodes[verdict.at]} still holds the value it deleted (${showClock(versions[verdict.at]!.clock)})`;
  const holders = versions.map((v, i) => `${nodes[i]} ${showClock(v.clock)}`).join(', ');
  return `${what} was acknowledged at ${ack.time} ms with clock ${showClock(clock)}, but no replica holds it or a version descending it (replicas hold: ${holders === '' ? 'nothing' : holders})`;
}
