/**
 * The bridge between a history's plain-JSON clocks (`{ n1: 2, n3: 1 }`) and the versioning
 * module's `VectorClock`, so every checker compares clocks with the same `compare`/`descends`/
 * `merge` the store uses (no second implementation to disagree with). Conversions are cached per
 * clock object: a checker compares the same clocks many times. Entries whose counter is not a
 * positive integer are dropped (a history never needs them: a missing entry means 0).
 */

import { nodeId } from '../../protocol/ids.ts';
import {
  type ClockOrder,
  compare,
  mergeAll,
  type VectorClock,
  vectorClock,
} from '../../versioning/vectorClock.ts';
import type { HistoryClock, HistoryDot } from '../history.ts';

const cache = new WeakMap<HistoryClock, VectorClock>();

export function toVectorClock(clock: HistoryClock | null | undefined): VectorClock {
  if (clock === null || clock === undefined) return vectorClock([]);
  const cached = cache.get(clock);
  if (cached !== undefined) return cached;
  const entries = Object.entries(clock)
    .filter(([, counter]) => Number.isSafeInteger(counter) && counter >= 1)
    .map(([node, counter]) => ({ node: nodeId(node), counter, timestamp: 0 }));
  const converted = vectorClock(entries);
  cache.set(clock, converted);
  return converted;
}

/** The plain-JSON form producers record (timestamps are left out: they play no part in order). */
export function historyClock(clock: VectorClock): HistoryClock {
  const out: HistoryClock = {};
  for (const entry of clock) out[entry.node] = entry.counter;
  return out;
}

export function order(a: HistoryClock | null | undefined, b: HistoryClock | null | undefined): ClockOrder {
  return compare(toVectorClock(a), toVectorClock(b));
}

/** a ≥ b: a has seen everything b has. */
export function covers(a: HistoryClock | null | undefined, b: HistoryClock | null | undefined): boolean {
  const o = order(a, b);
  return o === 'after' || o === 'equal';
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
  if (sameWriteOf(v, u)) return true;
  if (!v.dot || !u.dot) return covers(v.clock, u.clock);
  const seen = v.dot.node === u.dot.node ? v.dot.base : (v.clock?.[u.dot.node] ?? 0);
  return seen >= u.dot.counter;
}

export function mergeHistoryClocks(clocks: readonly HistoryClock[]): HistoryClock {
  return historyClock(mergeAll(clocks.map(toVectorClock)));
}

/** `{n1:2, n3:1}` as text for explanations. */
export function showClock(clock: HistoryClock | null | undefined): string {
  if (clock === null || clock === undefined) return '{}';
  const entries = Object.entries(clock).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([node, counter]) => `${node}:${counter}`).join(', ')}}`;
}
