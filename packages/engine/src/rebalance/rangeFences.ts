/**
 * Range fences (SPEC 1.7): what keeps strict-quorum reads fresh while a joiner takes ranges over,
 * as Cassandra's consistent range movement does.
 *
 *   joiner J: every range pulled ─▶ range-fence {ranges} to each node L that loses ranges to it
 *   L: stops serving those ranges (refuses their reads and writes; the fence is saved on disk)
 *      ─▶ once every write it forwarded to J in them is acknowledged ─▶ range-fenced {ranges}
 *   J: every loser fenced ─▶ serves, and announces itself
 *
 * Why: a loser forwards the writes it stores after its stream's snapshot, but not at once. Without
 * the fence, J could begin to serve while a write L acknowledged was still on its way to J (a
 * partition held it); a read on the new preference list, {J and the stayers}, would then miss a
 * write acknowledged on the old one by L and one stayer. And a coordinator that has not heard of J
 * yet, reading the old list, could count L, which misses the writes of the new list.
 *
 * With the fence, every write L acknowledged is on J before J serves, and L acknowledges none after
 * it: a write's acknowledgements come from J's copies and the stayers, which the new list and the
 * old list without L both contain, so R + W > N still makes read and write quorums meet.
 *
 * A fence is lifted once L's ring shows J: from then on L's own ring no longer gives it the range,
 * and under strict quorums a node serves only the keys its ring gives it (nodeRebalance.ts `notServing`).
 */

import { type KeyRange, rangeContains, sameRange } from '../antiEntropy/ranges.ts';
import { streamRetryMs } from '../constants.ts';
import type { NodeOutput } from '../node/contract.ts';
import type { NodeId } from '../protocol/ids.ts';
import { keyPosition } from '../ring/ring.ts';
import type { SavedHandover } from './ringFile.ts';

/** A range this node stopped serving because it is handing it to `peer`. */
export type Fence = SavedHandover;

/** The losing side: the ranges this node no longer serves, until its ring shows their new owner. */
export class RangeFences {
  private fences: Fence[];

  constructor(restored: readonly Fence[]) {
    this.fences = restored.slice();
  }

  get list(): readonly Fence[] {
    return this.fences;
  }

  /** The node a fenced range holding `key` goes to, or null when this node serves `key`. */
  fencedFor(key: string): NodeId | null {
    if (this.fences.length === 0) return null; // the common case: nothing moves
    const position = keyPosition(key);
    for (const f of this.fences) if (rangeContains(f.range, position)) return f.peer;
    return null;
  }

  /** Fences `ranges` for `peer`; how many were new (the caller saves them when any were). */
  add(peer: NodeId, ranges: readonly KeyRange[]): number {
    let added = 0;
    for (const range of ranges) {
      if (this.fences.some((f) => f.peer === peer && sameRange(f.range, range))) continue;
      this.fences.push({ peer, range: { start: range.start, end: range.end } });
      added++;
    }
    return added;
  }

  /** Lifts every fence for `peer` (its ring now shows it); true when there were any. */
  lift(peer: NodeId): boolean {
    const kept = this.fences.filter((f) => f.peer !== peer);
    const lifted = kept.length < this.fences.length;
    this.fences = kept;
    return lifted;
  }
}

/** The joining side: the losers still to fence their ranges before this node may serve. */
export class FenceRequests {
  private readonly unfenced: Map<NodeId, KeyRange[]>;
  private askedAt: number | null = null;

  constructor(losers: ReadonlyMap<NodeId, KeyRange[]>) {
    this.unfenced = new Map(losers);
  }

  get done(): boolean {
    return this.unfenced.size === 0;
  }

  /** Asks every loser not yet fenced; again after `streamRetryMs` of silence. */
  ask(now: number, out: NodeOutput, send: (to: NodeId, ranges: KeyRange[], out: NodeOutput) => void): void {
    if (this.done || (this.askedAt !== null && now < this.askedAt + streamRetryMs)) return;
    this.askedAt = now;
    for (const [loser, ranges] of this.unfenced) send(loser, ranges, out);
  }

  /** A loser's answer; true when it was awaited. */
  fenced(from: NodeId): boolean {
    return this.unfenced.delete(from);
  }

  nextDeadline(): number | null {
    return this.done || this.askedAt === null ? null : this.askedAt + streamRetryMs;
  }
}
