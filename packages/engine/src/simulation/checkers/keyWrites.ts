/**
 * A history's writes grouped by key, with each acknowledged write's clock as text (`showClock`): the
 * index the checkers use to find the write that created a version (P2 provenance, P7 causal
 * siblings). Built once per history, like `operations`, and shared by the checkers of a run; so is
 * the lookup of every read sibling's writers, which both checkers ask for (a clock's text and two
 * map lookups per sibling were a tenth of the checkers' time when each made them).
 */

import type { HistoryOp } from '../history.ts';
import { type Operation, operations } from './checker.ts';
import { showClock } from './clocks.ts';

/** One key's writes, in invoke order. */
export interface KeyWrites {
  /** Those that completed `ok`. */
  acked: Operation[];
  /** `ids[i]` is `showClock` of `acked[i]`'s clock. */
  ids: string[];
  /** The acknowledged writes by clock text, in invoke order. */
  byClock: Map<string, Operation[]>;
  /** Those that did not complete `ok` (failed, indeterminate, or never completed). */
  unacknowledged: Operation[];
}

export interface WritesIndex {
  byKey: ReadonlyMap<string, KeyWrites>;
  /**
   * Some key holds " {": only then can "key clock" texts of two different (key, clock) pairs be
   * equal, so only then does a lookup by that joined text differ from a lookup by key, then clock.
   */
  keysMayJoinAmbiguously: boolean;
  /**
   * `versionWriters[o][s]`, for the `ok` read that is operation `o` of `operations(history)`: the
   * acknowledged writes of its key (`byClock`, in invoke order) with the clock text of its sibling
   * `s`, undefined when none. Undefined for an operation that is not an `ok` read.
   */
  versionWriters: readonly (readonly VersionWriters[] | undefined)[];
}

type VersionWriters = readonly Operation[] | undefined;

export const noWrites: KeyWrites = { acked: [], ids: [], byClock: new Map(), unacknowledged: [] };

const indexed = new WeakMap<readonly HistoryOp[], { length: number; index: WritesIndex }>();

export function writesIndex(history: readonly HistoryOp[]): WritesIndex {
  const seen = indexed.get(history);
  if (seen !== undefined && seen.length === history.length) return seen.index;
  const all = operations(history);
  const { byKey, keysMayJoinAmbiguously } = build(all);
  const versionWriters = writersOfVersions(all, byKey);
  const index = { byKey, keysMayJoinAmbiguously, versionWriters };
  indexed.set(history, { length: history.length, index });
  return index;
}

const noVersions: readonly VersionWriters[] = [];

/** Every `ok` read's siblings' writers (see `versionWriters`), by operation. */
function writersOfVersions(
  all: readonly Operation[],
  byKey: ReadonlyMap<string, KeyWrites>,
): (readonly VersionWriters[] | undefined)[] {
  const found: (readonly VersionWriters[] | undefined)[] = new Array(all.length).fill(undefined);
  for (let i = 0; i < all.length; i++) {
    const { invoke, completion: read } = all[i]!;
    if (read?.type !== 'ok' || (invoke.f !== 'get' && invoke.f !== 'read')) continue;
    const siblings = read.siblings ?? [];
    const byClock = byKey.get(read.key)?.byClock;
    if (siblings.length === 0 || byClock === undefined) {
      found[i] = noVersions;
      continue;
    }
    const writers: VersionWriters[] = new Array(siblings.length);
    for (let s = 0; s < siblings.length; s++) writers[s] = byClock.get(showClock(siblings[s]!.clock));
    found[i] = writers;
  }
  return found;
}

function build(all: readonly Operation[]): Omit<WritesIndex, 'versionWriters'> {
  const byKey = new Map<string, KeyWrites>();
  let keysMayJoinAmbiguously = false;
  for (let i = 0; i < all.length; i++) {
    const op = all[i]!;
    const key = op.invoke.key;
    if (key.includes(' {')) keysMayJoinAmbiguously = true;
    if (op.invoke.f === 'get' || op.invoke.f === 'read') continue;
    let writes = byKey.get(key);
    if (writes === undefined) {
      writes = { acked: [], ids: [], byClock: new Map(), unacknowledged: [] };
      byKey.set(key, writes);
    }
    if (op.completion?.type !== 'ok') {
      writes.unacknowledged.push(op);
      continue;
    }
    const id = showClock(op.completion.clock);
    writes.acked.push(op);
    writes.ids.push(id);
    const list = writes.byClock.get(id);
    if (list === undefined) writes.byClock.set(id, [op]);
    else list.push(op);
  }
  return { byKey, keysMayJoinAmbiguously };
}
