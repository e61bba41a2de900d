/**
 * P2, sibling soundness (TESTING.md; SPEC 1.5). What a history can show about siblings, precisely:
 *
 * 1. `antichain` — the siblings of every `ok` read are pairwise concurrent: no two have equal clocks
 *    and none descends another (a replica drops any version another descends from, and the
 *    coordinator's reconciliation does the same across replicas). The same holds for every
 *    replica's sibling list in the final state, when given.
 * 2. `context` — a read's context is exactly the merge of its siblings' clocks: it covers every
 *    sibling (else the client's next write would come back as a false sibling) and claims nothing
 *    more (else that write would silently supersede versions the client never saw — a lost update).
 *    Note that with two or more siblings each sibling is *below* the context; that is correct.
 * 3. `provenance` — every sibling was written: its clock equals the clock of an `ok` write of that
 *    key invoked before the read completed (and then a put's value must match), or some write of
 *    the key that did not complete `ok` could have produced it (a put of that value, any delete for
 *    a tombstone, any add). Otherwise the store invented a version.
 * 4. `write-clock` — a write's clock strictly descends the context it was given: "a put with
 *    context C removes everything C covers" needs the new version to be above C. And two `ok`
 *    writes of one key never share a clock (they would be indistinguishable versions).
 *
 * "Keeps everything concurrent" cannot be judged from one read (a concurrent write may not have
 * reached the replicas asked); P1 judges it at the end, from the final state.
 */

import type { HistoryOp } from '../history.ts';
import {
  type CheckerResult,
  type Operation,
  operations,
  type ReplicaStates,
  ViolationLog,
} from './checker.ts';
import { mergeHistoryClocks, order, showClock } from './clocks.ts';
import { canonicalValue } from './values.ts';

export function checkSiblingSoundness(
  history: readonly HistoryOp[],
  finalState?: ReplicaStates,
): CheckerResult {
  const log = new ViolationLog();
  const all = operations(history);
  const counts = { reads: 0, readsWithSiblings: 0, siblingsMax: 0, writes: 0, finalSiblingLists: 0 };
  const writesByKey = groupWrites(all);
  for (const op of all) {
    const done = op.completion;
    if (done?.type !== 'ok') continue;
    if (op.invoke.f === 'get' || op.invoke.f === 'read') {
      const siblings = done.siblings ?? [];
      counts.reads++;
      if (siblings.length > 1) counts.readsWithSiblings++;
      counts.siblingsMax = Math.max(counts.siblingsMax, siblings.length);
      checkAntichain(log, done.key, siblings, [done.index], `the read at ${done.time} ms`);
      checkContext(log, done);
      checkProvenance(log, done, writesByKey.get(done.key) ?? []);
    } else {
      counts.writes++;
      checkWriteClock(log, op.invoke, done);
    }
  }
  checkUniqueClocks(log, writesByKey);
  for (const [node, keys] of Object.entries(finalState ?? {})) {
    for (const [key, versions] of Object.entries(keys)) {
      counts.finalSiblingLists++;
      checkAntichain(log, key, versions, [], `${node}'s final state`);
    }
  }
  return log.result('sibling-soundness', 'P2', true, counts);
}

function groupWrites(all: Operation[]): Map<string, Operation[]> {
  const byKey = new Map<string, Operation[]>();
  for (const op of all) {
    if (op.invoke.f === 'get' || op.invoke.f === 'read') continue;
    const list = byKey.get(op.invoke.key) ?? [];
    list.push(op);
    byKey.set(op.invoke.key, list);
  }
  return byKey;
}

function checkAntichain(
  log: ViolationLog,
  key: string,
  siblings: readonly { clock: Record<string, number> }[],
  ops: number[],
  where: string,
): void {
  for (let i = 0; i < siblings.length; i++) {
    for (let j = i + 1; j < siblings.length; j++) {
      const a = siblings[i]!.clock;
      const b = siblings[j]!.clock;
      const o = order(a, b);
      if (o === 'concurrent') continue;
      const relation = o === 'equal' ? 'equal to' : o === 'after' ? 'descends from' : 'is descended by';
      log.add({
        rule: 'antichain',
        key,
        ops,
        explanation: `${where} of ${key} holds sibling ${showClock(a)} which ${relation} sibling ${showClock(b)}; siblings must be concurrent`,
      });
    }
  }
}

function checkContext(log: ViolationLog, read: HistoryOp): void {
  const expected = mergeHistoryClocks((read.siblings ?? []).map((s) => s.clock));
  const o = order(read.context, expected);
  if (o === 'equal') return;
  const problem =
    o === 'after'
      ? 'claims versions the read did not return (a write with it would silently supersede them)'
      : 'does not cover every sibling returned (a write with it would come back as a false sibling)';
  log.add({
    rule: 'context',
    key: read.key,
    ops: [read.index],
    explanation: `the read of ${read.key} at ${read.time} ms returned context ${showClock(read.context)}, not the merge ${showClock(expected)} of its siblings: it ${problem}`,
  });
}

function checkProvenance(log: ViolationLog, read: HistoryOp, writes: Operation[]): void {
  const before = writes.filter((w) => w.invoke.index < read.index);
  for (const sibling of read.siblings ?? []) {
    const acked = before.find(
      (w) => w.completion?.type === 'ok' && order(w.completion.clock, sibling.clock) === 'equal',
    );
    const shown = `${canonicalValue(sibling.value)} ${showClock(sibling.clock)}`;
    if (acked !== undefined) {
      if (acked.invoke.f !== 'put' || canonicalValue(acked.invoke.value) === canonicalValue(sibling.value))
        continue;
      log.add({
        rule: 'provenance',
        key: read.key,
        ops: [read.index, acked.completion!.index],
        explanation: `the read of ${read.key} at ${read.time} ms returned ${shown}, but the put that created that clock wrote ${canonicalValue(acked.invoke.value)}`,
      });
      continue;
    }
    if (before.some((w) => w.completion?.type !== 'ok' && couldHaveWritten(w.invoke, sibling.value)))
      continue;
    log.add({
      rule: 'provenance',
      key: read.key,
      ops: [read.index],
      explanation: `the read of ${read.key} at ${read.time} ms returned ${shown}, which no write of ${read.key} invoked before it could have created`,
    });
  }
}

function couldHaveWritten(write: HistoryOp, value: HistoryOp['value']): boolean {
  if (write.f === 'add') return true;
  if (write.f === 'delete') return value === null;
  return canonicalValue(write.value) === canonicalValue(value);
}

function checkWriteClock(log: ViolationLog, invoke: HistoryOp, done: HistoryOp): void {
  if (invoke.context === null || order(done.clock, invoke.context) === 'after') return;
  log.add({
    rule: 'write-clock',
    key: invoke.key,
    ops: [done.index],
    explanation: `${invoke.f} ${invoke.key} with context ${showClock(invoke.context)} created clock ${showClock(done.clock)}, which does not strictly descend the context`,
  });
}

function checkUniqueClocks(log: ViolationLog, writesByKey: Map<string, Operation[]>): void {
  for (const [key, writes] of writesByKey) {
    const seen = new Map<string, HistoryOp>();
    for (const { completion } of writes) {
      if (completion?.type !== 'ok') continue;
      const id = showClock(completion.clock);
      const earlier = seen.get(id);
      if (earlier === undefined) {
        seen.set(id, completion);
        continue;
      }
      log.add({
        rule: 'write-clock',
        key,
        ops: [completion.index, earlier.index],
        explanation: `two acknowledged writes of ${key} (at ${earlier.time} ms and ${completion.time} ms) both created clock ${id}`,
      });
    }
  }
}
