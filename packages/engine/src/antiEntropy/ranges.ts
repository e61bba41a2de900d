/**
 * The key ranges a node replicates (SPEC 1.6, Dynamo §4.7): anti-entropy keeps one Merkle tree per
 * range and compares it with the other replicas of that range. A range is one token's arc
 * (previous token, token] — every key on it has the same preference list — and a node replicates
 * the arcs whose preference list names it. Its peers for that range are the list's other nodes.
 *
 *      t3 ──(arc of t4)── t4 ──(arc of t5)── t5          arc of t4: keys in (t3, t4],
 *                                                        replicas: replicasOfToken(t4, placement)
 *
 * Pure functions of the ring and the placement (N, or N per data centre), through the same
 * `replicasOfToken` the coordinator uses (ring/placement.ts), so the two never disagree. A range is
 * named by its two ends, not its token index, so two nodes that hold the same ring name the same
 * range the same way in their messages.
 */

import type { NodeId } from '../protocol/ids.ts';
import { type Placement, replicasOfToken } from '../ring/placement.ts';
import { arcContains, keyPosition, type Ring, type RingPosition, tokenIndexAt } from '../ring/ring.ts';

/** The arc (start, end] of the ring; start === end is the whole ring (a ring with one token). */
export interface KeyRange {
  start: RingPosition;
  end: RingPosition;
}

/** The whole ring as one range: what a single-token ring has, and the default of a lone tree. */
export const wholeRing: KeyRange = Object.freeze({ start: 0, end: 0 });

export interface ReplicatedRange extends KeyRange {
  /** The token whose arc it is. */
  tokenIndex: number;
  /** The range's replicas, primary first. */
  replicas: readonly NodeId[];
  /** The replicas other than this node: the ones it exchanges with. */
  peers: readonly NodeId[];
}

/** N replicas per key, or N per data centre (SPEC 1.3): ring/placement.ts, shared by every module. */
export type { Placement } from '../ring/placement.ts';

/** A printable, comparable name of a range: `start-end`. */
export function rangeId(range: KeyRange): string {
  return `${range.start}-${range.end}`;
}

export function sameRange(a: KeyRange, b: KeyRange): boolean {
  return a.start === b.start && a.end === b.end;
}

export function rangeContains(range: KeyRange, position: RingPosition): boolean {
  return arcContains(range.start, range.end, position);
}

/** The arc of token `tokenIndex`: from the previous token's position (exclusive) to its own. */
export function tokenArc(ring: Ring, tokenIndex: number): KeyRange {
  const count = ring.positions.length;
  const end = ring.positions[tokenIndex] as number;
  const start = ring.positions[(tokenIndex - 1 + count) % count] as number;
  return { start, end };
}

/**
 * The ranges `self` replicates, in token order, with the peers it shares each with. Arcs of zero
 * length (two tokens hashed to one position) hold no key and are left out.
 */
export function replicatedRanges(ring: Ring, placement: Placement, self: NodeId): ReplicatedRange[] {
  const ranges: ReplicatedRange[] = [];
  const count = ring.positions.length;
  for (let i = 0; i < count; i++) {
    const arc = tokenArc(ring, i);
    if (count > 1 && arc.start === arc.end) continue;
    const replicas = replicasOfToken(ring, i, placement).nodes;
    if (!replicas.includes(self)) continue;
    ranges.push({ ...arc, tokenIndex: i, replicas, peers: replicas.filter((id) => id !== self) });
  }
  return ranges;
}

/** The range (token arc) a key falls in. The ring must not be empty. */
export function rangeOfKey(ring: Ring, key: string): KeyRange {
  return tokenArc(ring, tokenIndexAt(ring, keyPosition(key)));
}
