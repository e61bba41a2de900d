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

import type { HistoryClock, HistoryOp } from '../history.ts';
import {
  type CheckerConfig,
  type CheckerResult,
  type Operation,
  operations,
  type ReplicaStates,
  ViolationLog,
} from './checker.ts';
import { coversOtherWrite, type Dotted, mergeInto, order, sameWriteOf, showClock } from './clocks.ts';
import { type KeyWrites, noWrites, type WritesIndex, writersOfVersions, writesIndex } from './keyWrites.ts';
import { holdingsOf } from './replicaHoldings.ts';
import { canonicalValue, sameValue } from './values.ts';

export function checkSiblingSoundness(
  history: readonly HistoryOp[],
  finalState?: ReplicaStates,
  config?: Pick<CheckerConfig, 'conflictMode'>,
): CheckerResult {
  const log = new ViolationLog();
  const counts = { reads: 0, readsWithSiblings: 0, siblingsMax: 0, writes: 0, finalSiblingLists: 0 };
  const writes = writesIndex(history);
  checkOperations(log, operations(history), writes, counts);
  checkUniqueClocks(log, writes.byKey);
  if (finalState !== undefined) checkFinalAntichains(log, finalState, counts);
  // Last-write-wins keeps one version by timestamp; its clocks are informational, so P2 is measured only.
  return log.result('sibling-soundness', 'P2', (config?.conflictMode ?? 'siblings') === 'siblings', counts);
}

/**
 * Rules 1–4 on every `ok` operation, in invoke order. The loop is alone in its function (see
 * checker.ts, Cost): code after it would deoptimise the loop's kept code on every run.
 */
function checkOperations(
  log: ViolationLog,
  all: readonly Operation[],
  writes: WritesIndex,
  counts: { reads: number; readsWithSiblings: number; siblingsMax: number; writes: number },
): void {
  for (let i = 0; i < all.length; i++) {
    const op = all[i]!;
    const done = op.completion;
    if (done?.type !== 'ok') continue;
    if (op.invoke.f === 'get' || op.invoke.f === 'read') {
      const siblings = done.siblings ?? [];
      counts.reads++;
      if (siblings.length > 1) counts.readsWithSiblings++;
      counts.siblingsMax = Math.max(counts.siblingsMax, siblings.length);
      if (siblings.length > 1) checkAntichain(log, done.key, siblings, done);
      checkContext(log, done);
      checkProvenance(log, done, writersOfVersions(writes, i, done), writes.byKey);
    } else {
      counts.writes++;
      checkWriteClock(log, op.invoke, done);
    }
  }
}

/** Every replica's final sibling lists are antichains too (node by node, in the state's order). */
function checkFinalAntichains(
  log: ViolationLog,
  finalState: ReplicaStates,
  counts: { finalSiblingLists: number },
): void {
  const { nodes, keysOf, listsOf } = holdingsOf(finalState);
  for (let n = 0; n < nodes.length; n++) {
    const keys = keysOf[n]!;
    const lists = listsOf[n]!;
    counts.finalSiblingLists += keys.length;
    for (let k = 0; k < keys.length; k++) {
      const versions = lists[k]!;
      if (versions.length > 1) checkAntichain(log, keys[k]!, versions, nodes[n]!);
    }
  }
}

/** Siblings pairwise concurrent, of a read or (`holder`, a node id) of a replica's final state. */
function checkAntichain(
  log: ViolationLog,
  key: string,
  siblings: readonly Dotted[],
  holder: HistoryOp | string,
): void {
  for (let i = 0; i < siblings.length; i++) {
    for (let j = i + 1; j < siblings.length; j++) {
      const x = siblings[i]!;
      const y = siblings[j]!;
      const same = sameWriteOf(x, y);
      const xCoversY = same || coversOtherWrite(x, y); // coversVersion(x, y)
      if (!xCoversY && !coversOtherWrite(y, x)) continue;
      const relation = same ? 'is the same write as' : xCoversY ? 'covers' : 'is covered by';
      const where = typeof holder === 'string' ? `${holder}'s final state` : `the read at ${holder.time} ms`;
      log.add(
        'antichain',
        key,
        typeof holder === 'string' ? [] : [holder.index],
        () =>
          `${where} of ${key} holds sibling ${showClock(x.clock)} which ${relation} sibling ${showClock(y.clock)}; siblings must be concurrent`,
      );
    }
  }
}

function checkContext(log: ViolationLog, read: HistoryOp): void {
  const siblings = read.siblings ?? [];
  // One sibling: the merge is its clock (order reads only valid entries; assignment would drop `__proto__`).
  const only = siblings.length === 1 ? (siblings[0]!.clock ?? undefined) : undefined;
  if (only !== undefined && !Object.hasOwn(only, '__proto__') && order(read.context, only) === 'equal')
    return;
  const expected: HistoryClock = {};
  for (let i = 0; i < siblings.length; i++) mergeInto(expected, siblings[i]!.clock);
  const o = order(read.context, expected);
  if (o === 'equal') return;
  const problem =
    o === 'after'
      ? 'claims versions the read did not return (a write with it would silently supersede them)'
      : 'does not cover every sibling returned (a write with it would come back as a false sibling)';
  log.add(
    'context',
    read.key,
    [read.index],
    () =>
      `the read of ${read.key} at ${read.time} ms returned context ${showClock(read.context)}, not the merge ${showClock(expected)} of its siblings: it ${problem}`,
  );
}

/** `writers[i]`: the acknowledged writes with sibling i's clock (keyWrites.ts `writersOfVersions`). */
function checkProvenance(
  log: ViolationLog,
  read: HistoryOp,
  writers: readonly (readonly Operation[] | undefined)[],
  writesByKey: ReadonlyMap<string, KeyWrites>,
): void {
  const siblings = read.siblings ?? [];
  for (let i = 0; i < siblings.length; i++) {
    const sibling = siblings[i]!;
    const acked = firstBefore(writers[i], read.index);
    if (acked !== undefined) {
      if (acked.invoke.f !== 'put' || sameValue(acked.invoke.value, sibling.value)) continue;
      const shown = `${canonicalValue(sibling.value)} ${showClock(sibling.clock)}`;
      log.add(
        'provenance',
        read.key,
        [read.index, acked.completion!.index],
        () =>
          `the read of ${read.key} at ${read.time} ms returned ${shown}, but the put that created that clock wrote ${canonicalValue(acked.invoke.value)}`,
      );
      continue;
    }
    const explained = (writesByKey.get(read.key) ?? noWrites).unacknowledged.some(
      (w) => w.invoke.index < read.index && couldHaveWritten(w.invoke, sibling.value),
    );
    if (explained) continue;
    const shown = `${canonicalValue(sibling.value)} ${showClock(sibling.clock)}`;
    log.add(
      'provenance',
      read.key,
      [read.index],
      () =>
        `the read of ${read.key} at ${read.time} ms returned ${shown}, which no write of ${read.key} invoked before it could have created`,
    );
  }
}

/** The first write (in invoke order) invoked before record `index`. */
function firstBefore(writes: readonly Operation[] | undefined, index: number): Operation | undefined {
  if (writes === undefined) return undefined;
  for (let i = 0; i < writes.length; i++) if (writes[i]!.invoke.index < index) return writes[i];
  return undefined;
}

function couldHaveWritten(write: HistoryOp, value: HistoryOp['value']): boolean {
  if (write.f === 'add') return true;
  if (write.f === 'delete') return value === null;
  return sameValue(write.value, value);
}

function checkWriteClock(log: ViolationLog, invoke: HistoryOp, done: HistoryOp): void {
  if (invoke.context === null || order(done.clock, invoke.context) === 'after') return;
  log.add(
    'write-clock',
    invoke.key,
    [done.index],
    () =>
      `${invoke.f} ${invoke.key} with context ${showClock(invoke.context)} created clock ${showClock(done.clock)}, which does not strictly descend the context`,
  );
}

function checkUniqueClocks(log: ViolationLog, writesByKey: ReadonlyMap<string, KeyWrites>): void {
  for (const [key, writes] of writesByKey) {
    if (!writes.clocksShared) continue; // every write is the first with its clock
    for (let i = 0; i < writes.acked.length; i++) {
      const id = writes.ids[i]!;
      const first = writes.byClock.get(id)![0]!; // the earliest write that created this clock
      if (first === writes.acked[i]) continue;
      const [earlier, completion] = [first.completion!, writes.acked[i]!.completion!];
      log.add(
        'write-clock',
        key,
        [completion.index, earlier.index],
        () =>
          `two acknowledged writes of ${key} (at ${earlier.time} ms and ${completion.time} ms) both created clock ${id}`,
      );
    }
  }
}
