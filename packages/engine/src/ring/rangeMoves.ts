/**
 * Which key ranges change hands between two ring states (SPEC 1.2, 1.7): the data a joining node
 * must stream in, a leaving node must stream out, and the arcs the lab highlights.
 *
 * The tokens of both rings together cut the circle into elementary arcs (p_{k−1}, p_k]. Inside one
 * arc every key falls to the same token in each ring, so it has one preference list before and one
 * after; an arc moves when they differ. Adjacent moved arcs with the same before/after lists are
 * merged. Adding a node with T tokens therefore yields at most about T·N ranges, and only arcs next
 * to its tokens move (Dynamo §4.2: "departure or arrival of a node only affects its immediate
 * neighbors").
 */

import type { NodeId } from '../protocol/ids.ts';
import { type Placement, replicasAt } from './placement.ts';
import { arcLength, type Ring, type RingPosition, ringSize } from './ring.ts';

export interface RangeMove {
  /** The range is the arc (start, end]; it wraps past 0 when start ≥ end. */
  start: RingPosition;
  end: RingPosition;
  /** Share of the whole ring, 0…1. */
  fraction: number;
  /** The preference lists before and after. */
  before: readonly NodeId[];
  after: readonly NodeId[];
  /** Nodes that now hold the range and did not (they receive it). */
  gained: readonly NodeId[];
  /** Nodes that held the range and no longer do (they may drop it once it is handed over). */
  lost: readonly NodeId[];
}

function sameList(a: readonly NodeId[], b: readonly NodeId[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Sorted, de-duplicated token positions of both rings. */
function boundaries(before: Ring, after: Ring): number[] {
  const all = [...before.positions, ...after.positions].sort((a, b) => a - b);
  return all.filter((p, i) => i === 0 || p !== all[i - 1]);
}

/**
 * The ranges whose N-replica preference lists differ between `before` and `after`, clockwise from
 * position 0. A replica set that only changes order (a new primary among the same nodes) counts as a
 * move with empty `gained` and `lost`, since the coordinator of those keys changes.
 */
export function rangeMoves(before: Ring, after: Ring, placement: Placement): RangeMove[] {
  const cuts = boundaries(before, after);
  const moves: RangeMove[] = [];
  for (let k = 0; k < cuts.length; k++) {
    const end = cuts[k] as number;
    const start = cuts[(k - 1 + cuts.length) % cuts.length] as number;
    const was = replicasAt(before, end, placement).nodes;
    const now = replicasAt(after, end, placement).nodes;
    if (sameList(was, now)) continue;
    const last = moves[moves.length - 1];
    if (last && last.end === start && sameList(last.before, was) && sameList(last.after, now)) {
      last.end = end;
      last.fraction = arcLength(last.start, end) / ringSize;
      continue;
    }
    moves.push({
      start,
      end,
      fraction: arcLength(start, end) / ringSize,
      before: was,
      after: now,
      gained: now.filter((x) => !was.includes(x)),
      lost: was.filter((x) => !now.includes(x)),
    });
  }
  mergeAcrossZero(moves);
  return moves;
}

/** The arc that wraps past 0 may have been split in two (last and first); join them. */
function mergeAcrossZero(moves: RangeMove[]): void {
  if (moves.length < 2) return;
  const first = moves[0] as RangeMove;
  const last = moves[moves.length - 1] as RangeMove;
  if (
    last.end !== first.start ||
    !sameList(first.before, last.before) ||
    !sameList(first.after, last.after)
  ) {
    return;
  }
  first.start = last.start;
  first.fraction = arcLength(first.start, first.end) / ringSize;
  moves.pop();
}

/** Total share of the ring whose preference lists change. */
export function movedFraction(moves: readonly RangeMove[]): number {
  return moves.reduce((sum, m) => sum + m.fraction, 0);
}
