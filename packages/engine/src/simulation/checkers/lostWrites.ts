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
 * last-write-wins, which loses concurrent writes by design (the lab's contrast).
 */

import type { HistoryOp, HistorySibling } from '../history.ts';
import {
  type CheckerConfig,
  type CheckerResult,
  operations,
  type ReplicaStates,
  ViolationLog,
} from './checker.ts';
import { covers, coversVersion, sameWriteOf, showClock } from './clocks.ts';
import { canonicalValue, sameValue } from './values.ts';

/** What the replicas hold of one key at the end: `versions[i]` is held by node `nodes[i]`. */
interface Held {
  nodes: string[];
  versions: HistorySibling[];
}

const nothingHeld: Held = { nodes: [], versions: [] };

export function checkNoLostWrites(
  history: readonly HistoryOp[],
  finalState: ReplicaStates,
  config?: Pick<CheckerConfig, 'conflictMode'>,
): CheckerResult {
  const log = new ViolationLog();
  const counts = { acknowledged: 0, present: 0, superseded: 0, purgedDeletes: 0, lost: 0 };
  const heldByKey = indexFinalState(finalState);
  const acks: HistoryOp[] = [];
  for (const { completion: done } of operations(history))
    if (done?.type === 'ok' && (done.f === 'put' || done.f === 'delete' || done.f === 'add')) acks.push(done);
  // Purged tombstones stand in for their deletes: what a purged delete superseded is not lost.
  const purged = new Set<number>();
  for (const ack of acks) {
    if (ack.f !== 'delete' || judge(ack, heldByKey.get(ack.key) ?? nothingHeld).kind !== 'purgedDeletes')
      continue;
    purged.add(ack.index);
    const held = heldByKey.get(ack.key) ?? { nodes: [], versions: [] };
    held.nodes.push('purged');
    held.versions.push({ value: null, clock: ack.clock! });
    heldByKey.set(ack.key, held);
  }
  for (const completion of acks) {
    counts.acknowledged++;
    const verdict = purged.has(completion.index)
      ? purgedVerdict
      : judge(completion, heldByKey.get(completion.key) ?? nothingHeld);
    counts[verdict.kind]++;
    if (verdict.kind === 'lost')
      log.add({ rule: 'lost-write', key: completion.key, ops: [completion.index], explanation: verdict.why });
    if (verdict.kind === 'present' && verdict.why !== '') {
      log.add({
        rule: 'value-mismatch',
        key: completion.key,
        ops: [completion.index],
        explanation: verdict.why,
      });
    }
  }
  return log.result('no-lost-writes', 'P1', (config?.conflictMode ?? 'siblings') === 'siblings', counts);
}

function indexFinalState(finalState: ReplicaStates): Map<string, Held> {
  const byKey = new Map<string, Held>();
  for (const [node, keys] of Object.entries(finalState)) {
    for (const key of Object.keys(keys)) {
      let held = byKey.get(key);
      if (held === undefined) {
        held = { nodes: [], versions: [] };
        byKey.set(key, held);
      }
      for (const version of keys[key]!) {
        held.nodes.push(node);
        held.versions.push(version);
      }
    }
  }
  return byKey;
}

type Verdict = { kind: 'present' | 'superseded' | 'purgedDeletes' | 'lost'; why: string };

const presentVerdict: Verdict = { kind: 'present', why: '' };
const supersededVerdict: Verdict = { kind: 'superseded', why: '' };
const purgedVerdict: Verdict = { kind: 'purgedDeletes', why: '' };

/** The acknowledged write `ack` (its clock and dot) against what the replicas hold of its key. */
function judge(ack: HistoryOp, held: Held): Verdict {
  const { nodes, versions } = held;
  const clock = ack.clock;
  for (let i = 0; i < versions.length; i++) {
    if (!sameWriteOf(versions[i]!, ack)) continue;
    const why = valueMismatch(ack, nodes[i]!, versions[i]!);
    return why === '' ? presentVerdict : { kind: 'present', why };
  }
  for (const version of versions) if (coversVersion(version, ack)) return supersededVerdict;
  const what = `${ack.f} ${ack.key}${ack.f === 'put' ? `=${canonicalValue(ack.value)}` : ''}`;
  if (ack.f === 'delete') {
    const undone = versions.findIndex((v) => v.value !== null && covers(clock, v.clock));
    if (undone === -1) return purgedVerdict;
    return {
      kind: 'lost',
      why: `${what} was acknowledged at ${ack.time} ms with clock ${showClock(clock)}, but its tombstone is gone and ${nodes[undone]} still holds the value it deleted (${showClock(versions[undone]!.clock)})`,
    };
  }
  const holders = versions.map((v, i) => `${nodes[i]} ${showClock(v.clock)}`).join(', ');
  return {
    kind: 'lost',
    why: `${what} was acknowledged at ${ack.time} ms with clock ${showClock(clock)}, but no replica holds it or a version descending it (replicas hold: ${holders === '' ? 'nothing' : holders})`,
  };
}

function valueMismatch(ack: HistoryOp, node: string, version: HistorySibling): string {
  if (ack.f !== 'put' || sameValue(version.value, ack.value)) return '';
  return `put ${ack.key}=${canonicalValue(ack.value)} acknowledged with clock ${showClock(ack.clock)}, but ${node} holds ${canonicalValue(version.value)} under that clock`;
}
