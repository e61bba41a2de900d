/**
 * A history's writes grouped by key, with each acknowledged write's clock as text (`showClock`): the
 * index the checkers use to find the write that created a version (P2 provenance, P7 causal
 * siblings). Built once per history, like `operations`, and shared by the checkers of a run; so is
 * the lookup of each read sibling's writers (a clock's text and two map lookups), which both
 * checkers ask for: the first to ask makes it.
 */

import type { HistoryOp } from '../history.ts';
import { hasBracedKeys, type Operation, operations, operationsByKind } from './checker.ts';
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
  /** Two acknowledged writes created one clock (a `byClock` list holds more than one). */
  clocksShared: boolean;
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
   * `s`, undefined when none. Filled by `writersOfVersions` as the checkers ask.
   */
  versionWriters: (readonly VersionWriters[] | undefined)[];
}

type VersionWriters = readonly Operation[] | undefined;

export const noWrites: KeyWrites = {
  acked: [],
  ids: [],
  byClock: new Map(),
  unacknowledged: [],
  clocksShared: false,
};

const indexed = new WeakMap<readonly HistoryOp[], { length: number; index: WritesIndex }>();

export function writesIndex(history: readonly HistoryOp[]): WritesIndex {
  const seen = indexed.get(history);
  if (seen !== undefined && seen.length === history.length) return seen.index;
  const all = operations(history);
  const byKey = build(all, operationsByKind(history).writes);
  const keysMayJoinAmbiguously = hasBracedKeys(history);
  const versionWriters = new Array<readonly VersionWriters[] | undefined>(all.length).fill(undefined);
  const index = { byKey, keysMayJoinAmbiguously, versionWriters };
  indexed.set(history, { length: history.length, index });
  return index;
}

const noVersions: readonly VersionWriters[] = [];

/**
 * The writers of the siblings of `read`, the `ok` read that is operation `o` (see
 * `versionWriters`): looked up the first time a checker asks, during its own pass over the reads,
 * where the read's record is in cache already, and kept for the next.
 */
export function writersOfVersions(index: WritesIndex, o: number, read: HistoryOp): readonly VersionWriters[] {
  const known = index.versionWriters[o];
  if (known !== undefined) return known;
  const siblings = read.siblings ?? [];
  const byClock = index.byKey.get(read.key)?.byClock;
  let writers: readonly VersionWriters[] = noVersions;
  if (siblings.length > 0 && byClock !== undefined) {
    const found: VersionWriters[] = new Array(siblings.length);
    for (let s = 0; s < siblings.length; s++) found[s] = byClock.get(showClock(siblings[s]!.clock));
    writers = found;
  }
  index.versionWriters[o] = writers;
  return writers;
}

function build(all: readonly Operation[], writeOps: readonly number[]): Map<string, KeyWrites> {
  const byKey = new Map<string, KeyWrites>();
  for (let w = 0; w < writeOps.length; w++) {
    const op = all[writeOps[w]!]!;
    const key = op.invoke.key;
    let writes = byKey.get(key);
    if (writes === undefined) {
      writes = { acked: [], ids: [], byClock: new Map(), unacknowledged: [], clocksShared: false };
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
    if (list === undefined) {
      writes.byClock.set(id, [op]);
      continue;
    }
    list.push(op);
    writes.clocksShared = true;
  }
  return byKey;
}
