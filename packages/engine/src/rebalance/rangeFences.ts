/**
 * Range fences (SPEC 1.7): what keeps strict-quorum reads fresh while a joiner takes ranges over,
 * as Cassandra's consistent range movement does.
 *
 *   joiner J: every range pulled ─▶ range-fence {ranges} to each node L that loses ranges to it
 *   L: stops serving those ranges (refuses their reads and writes; the fence is saved on disk)
 *      ─▶ once every write it forwarded to J in them is acknowledged ─▶ range-fenced {ranges, incarnation}
 *   J: every loser's fence confirmed (a second answer from the same incarnation, recent) ─▶ serves,
 *      and announces itself
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

/**
 * The joining side: the losers still to fence their ranges before this node may serve.
 *
 * A loser's fence lives on its disk, so a wiped loser forgets it, restarts on its old ring and
 * serves the range again; a write it then acknowledges with a stayer never reaches the joiner
 * (t3RandomFaults, strict, wipe, join + leave, seed 11098: a read on the new list missed it). So
 * each `range-fenced` answer carries the loser's incarnation, drawn anew at every start, and a fence
 * counts only when confirmed: a second answer from the same incarnation, which held the fence
 * throughout. An answer from a new incarnation comes after it fenced again and streamed the whole
 * range again (nodeRebalance.ts `fence`), and is confirmed in turn. At every round of asking, a
 * confirmation from before the previous round is asked for afresh, so that the joiner serves on
 * recent ones. A loser wiped after its last confirmation, before it hears of the joiner, is left to
 * the other guard: restarted, it waits for the joiners its peers fenced for (ringStateExchange.ts).
 */
export class FenceRequests {
  private readonly losers = new Map<NodeId, LoserFence>();
  private askedAt: number | null = null;
  /** An answer came from a new incarnation: ask again now rather than after silence. */
  private askNow = false;

  constructor(losers: ReadonlyMap<NodeId, KeyRange[]>) {
    for (const [loser, ranges] of losers)
      this.losers.set(loser, { ranges, incarnation: null, confirmedAt: null, asked: false });
  }

  get done(): boolean {
    for (const loser of this.losers.values()) if (loser.confirmedAt === null) return false;
    return true;
  }

  /**
   * Asks every loser not confirmed since the previous round; again after `streamRetryMs` of silence,
   * or at once (only those whose answer is not on its way) when a new incarnation answered.
   */
  ask(now: number, out: NodeOutput, send: (to: NodeId, ranges: KeyRange[], out: NodeOutput) => void): void {
    if (this.done) return;
    const previous = this.askedAt;
    const retry = previous === null || now >= previous + streamRetryMs;
    if (!this.askNow && !retry) return;
    this.askedAt = now;
    this.askNow = false;
    for (const [id, loser] of this.losers) {
      if (previous !== null && loser.confirmedAt !== null && loser.confirmedAt < previous)
        loser.confirmedAt = null;
      if (loser.confirmedAt !== null || (loser.asked && !retry)) continue;
      loser.asked = true;
      send(id, loser.ranges, out);
    }
  }

  /** A loser's answer from its `incarnation`; true when it confirmed a fence not yet confirmed. */
  fenced(from: NodeId, incarnation: number, now: number): boolean {
    const loser = this.losers.get(from);
    if (!loser || loser.confirmedAt !== null) return false;
    loser.asked = false;
    if (loser.incarnation === incarnation) loser.confirmedAt = now;
    else {
      loser.incarnation = incarnation;
      this.askNow = true;
    }
    return true;
  }

  nextDeadline(): number | null {
    if (this.done || this.askedAt === null) return null;
    return this.askNow ? this.askedAt : this.askedAt + streamRetryMs;
  }
}

interface LoserFence {
  ranges: KeyRange[];
  /** The incarnation that last answered, or null before any answer. */
  incarnation: number | null;
  /** When that incarnation answered a second time (its fence held between), or null. */
  confirmedAt: number | null;
  /** Asked since its last answer: a round at once skips it (the answer is on its way). */
  asked: boolean;
}
