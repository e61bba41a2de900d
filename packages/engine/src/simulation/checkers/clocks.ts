/**
 * Clocks for the checkers: a history records clocks as plain JSON (`{ n1: 2, n3: 1 }`), and the
 * checkers order them where they lie, without converting each to the versioning module's
 * `VectorClock` first. The checkers compare some ten clocks per operation; converting them (and
 * keeping the conversions for the run) was most of their cost and most of the garbage they left.
 *
 * The order is the store's: `order` computes exactly `compare(toVectorClock(a), toVectorClock(b))`
 * of versioning/vectorClock.ts, which stays the reference — clocks.test.ts checks the two agree on
 * generated clocks, zero, negative and fractional counters included. An entry whose counter is not
 * a positive safe integer counts as absent (0): a history never needs one, and `toVectorClock`
 * drops it. `toVectorClock`/`mergeHistoryClocks` bridge to the store's type where a `VectorClock`
 * is wanted (conversions cached per clock object).
 */

import { nodeId } from '../../protocol/ids.ts';
import {
  type ClockEntry,
  type ClockOrder,
  emptyClock,
  mergeAll,
  type VectorClock,
} from '../../versioning/vectorClock.ts';
import type { HistoryClock, HistoryDot } from '../history.ts';

const cache = new WeakMap<HistoryClock, VectorClock>();

export function toVectorClock(clock: HistoryClock | null | undefined): VectorClock {
  if (clock === null || clock === undefined) return emptyClock;
  let converted = cache.get(clock);
  if (converted === undefined) {
    converted = convert(clock);
    cache.set(clock, converted);
  }
  return converted;
}

const byNode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** `vectorClock`'s canonical form (frozen, sorted by node id), built in one pass over the keys. */
function convert(clock: HistoryClock): VectorClock {
  const entries: ClockEntry[] = [];
  for (const node of Object.keys(clock)) {
    const n = counterIn(clock, node);
    if (n > 0) entries.push(Object.freeze({ node: nodeId(node), counter: n, timestamp: 0 }));
  }
  entries.sort((a, b) => byNode(a.node, b.node));
  return Object.freeze(entries);
}

/** The plain-JSON form producers record (timestamps are left out: they play no part in order). */
export function historyClock(clock: VectorClock): HistoryClock {
  const out: HistoryClock = {};
  for (let i = 0; i < clock.length; i++) out[clock[i]!.node] = clock[i]!.counter;
  return out;
}

/**
 * `node`'s counter in `clock` as the store would hold it: a positive safe integer, else 0. The value
 * is read first and the ownership asked last: most lookups miss or hold a counter, and an absent
 * entry then costs no `hasOwn` (only an inherited property, e.g. `toString`, needs it to count as 0).
 */
function counterIn(clock: HistoryClock, node: string): number {
  const n = clock[node];
  if (typeof n !== 'number' || !(n >= 1) || !Number.isSafeInteger(n)) return 0;
  return Object.hasOwn(clock, node) ? n : 0;
}

const noClock: HistoryClock = Object.freeze({});

/** How `a` relates to `b` (`after`: a descends b strictly), as the store's `compare` would say. */
export function order(a: HistoryClock | null | undefined, b: HistoryClock | null | undefined): ClockOrder {
  const x = a ?? noClock;
  const y = b ?? noClock;
  let aAhead = false;
  let bAhead = false;
  for (const node in x) {
    const m = counterIn(x, node);
    const n = counterIn(y, node);
    if (m > n) aAhead = true;
    else if (n > m) bAhead = true;
  }
  if (!bAhead) {
    for (const node in y) {
      if (counterIn(y, node) > counterIn(x, node)) {
        bAhead = true;
        break;
      }
    }
  }
  if (aAhead && bAhead) return 'concurrent';
  return aAhead ? 'after' : bAhead ? 'before' : 'equal';
}

/** a ≥ b: a has seen everything b has. */
export function covers(a: HistoryClock | null | undefined, b: HistoryClock | null | undefined): boolean {
  if (b === null || b === undefined) return true;
  const x = a ?? noClock;
  for (const node in b) if (counterIn(b, node) > counterIn(x, node)) return false;
  return true;
}

/** A recorded version or write: its clock and, when a coordinator made it, its dot. */
export interface Dotted {
  clock?: HistoryClock | null;
  dot?: HistoryDot;
}

/** The same write: the same dot (equal clocks when either has no dot). */
export function sameWriteOf(a: Dotted, b: Dotted): boolean {
  if (a.dot && b.dot) return a.dot.node === b.dot.node && a.dot.counter === b.dot.counter;
  return order(a.clock, b.clock) === 'equal';
}

/**
 * Whether the writer of `v` had seen the write `u` (the store's `coversWrite`, on recorded data):
 * with dots, `v`'s context reaches `u`'s dot; without, `v`'s clock descends `u`'s.
 */
export function coversVersion(v: Dotted, u: Dotted): boolean {
  return sameWriteOf(v, u) || coversOtherWrite(v, u);
}

/**
 * `coversVersion(v, u)` for two versions already known not to be the same write (`sameWriteOf`
 * false), for loops that ask that first: it is not asked again.
 */
export function coversOtherWrite(v: Dotted, u: Dotted): boolean {
  if (!v.dot || !u.dot) return covers(v.clock, u.clock);
  const seen = v.dot.node === u.dot.node ? v.dot.base : (v.clock?.[u.dot.node] ?? 0);
  return seen >= u.dot.counter;
}

export function mergeHistoryClocks(clocks: readonly HistoryClock[]): HistoryClock {
  return historyClock(mergeAll(clocks.map(toVectorClock)));
}

/**
 * `mergeHistoryClocks` without the round trip through `VectorClock`: the same entries (the largest
 * positive safe-integer counter per node), set by assignment the same way, in no particular order.
 */
export function mergeClocks(clocks: readonly (HistoryClock | null | undefined)[]): HistoryClock {
  const out: HistoryClock = {};
  for (let i = 0; i < clocks.length; i++) mergeInto(out, clocks[i]);
  return out;
}

/**
 * Raises `out`'s counters to `clock`'s, by assignment, as `historyClock` sets them (so a node named
 * `__proto__` is dropped, as there). Returns `out`.
 */
export function mergeInto(out: HistoryClock, clock: HistoryClock | null | undefined): HistoryClock {
  if (clock === null || clock === undefined) return out;
  for (const node in clock) {
    const n = counterIn(clock, node);
    if (n > counterIn(out, node)) out[node] = n;
  }
  return out;
}

/**
 * `{n1:2, n3:1}` as text for explanations. Every entry is shown, zero counters included, so two
 * clocks show the same text only when they hold the same entries: the checkers also use it as a
 * clock's identity in maps.
 */
export function showClock(clock: HistoryClock | null | undefined): string {
  if (clock === null || clock === undefined) return '{}';
  const nodes = Object.keys(clock);
  for (let i = 1; i < nodes.length; i++) {
    if (nodes[i - 1]! > nodes[i]!) {
      nodes.sort(byNode);
      break;
    }
  }
  let text = '{';
  for (let i = 0; i < nodes.length; i++) text += `${i === 0 ? '' : ', '}${nodes[i]}:${clock[nodes[i]!]}`;
  return `${text}}`;
}
