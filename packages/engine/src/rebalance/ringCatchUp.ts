/**
 * A restarted node catching up with its peers' rings before it trusts its own (SPEC 1.7).
 *
 * A node's saved ring is the one it had when it went down. While it was away, nodes may have
 * joined and left; gossip brings those changes back one at a time and in no particular order, and a
 * departure heard before an earlier join gives a ring that never existed (T3 sweep, strict, R = 1,
 * W = 3, phi detector, seed 144: n5, down during n6's join, restarted, took n3's decommission
 * first and served a read of k2, which the real ring had moved to n6, from its old copy).
 *
 * So a node that restarts with a saved ring (or without its disk) asks every member of its ring for
 * their ring, again every `ringCatchUpRetryMs` until one answers whose own ring is current (not
 * itself waiting to catch up), and takes each answer whole: first the members it lacks, then the
 * departures. Answers from peers still catching up themselves are taken in too, and once every
 * member has answered so, or with itself a majority of the ring and no current answer came for
 * `ringCatchUpWaitMs` (the cluster restarted together, some of it down or cut off), their rings are
 * as current as any in reach.
 * A node that lost its disk waits for more: every member's answer, or, after `ringCatchUpWaitMs`, a
 * majority's or one current one. Its fences for a joiner went with its disk, and the peers that
 * still fence ranges for that joiner say so in their answers (ringStateExchange.ts): the first
 * current answer may come from one that loses nothing to the joiner and has not heard it join.
 * A node that has left answers nothing: its ring stopped when it left (T3 seed 1162: a wiped n1
 * took the answer of n5, which had left, rebuilt on a ring that still held n5, and later found
 * itself a replica of ranges it had not pulled). Under strict quorums it serves nothing until then
 * (nodeRebalance.ts `notServing`, `refusal`): a coordinator or replica on an old ring could count
 * replicas the current ring no longer has. Under sloppy quorums it serves at once, as before.
 */

import { ringCatchUpRetryMs } from '../constants.ts';

/** How long answers of peers catching up themselves wait for a current one, once most have come. */
export const ringCatchUpWaitMs = 3 * ringCatchUpRetryMs;

import type { NodeId } from '../protocol/ids.ts';

export class RingCatchUp {
  /** When to ask the ring's members (again); null once one has answered, or when none was needed. */
  private askAt: number | null = null;
  /** Peers that answered while catching up themselves. */
  private readonly unsure = new Set<NodeId>();
  /** Peers that answered with a current ring (counted only by a thorough wait). */
  private readonly current = new Set<NodeId>();
  private begunAt = 0;
  /** A node that lost its disk: one current answer is not enough (see the header). */
  private thorough = false;

  /** A restart: the ring must be confirmed by a peer, starting with a request now. */
  begin(now: number, thorough = false): void {
    this.askAt = now;
    this.begunAt = now;
    this.thorough = thorough;
    this.unsure.clear();
    this.current.clear();
  }

  /**
   * A peer's ring arrived (and was taken in), or a retry is due with `from` null. Returns true when
   * the wait is over: the peer's ring was current (unless the wait is thorough), every one of
   * `peers` has answered, or `ringCatchUpWaitMs` has passed and most have (or, thorough, one
   * current one has).
   */
  heard(from: NodeId | null, current: boolean, peers: readonly NodeId[], now: number): boolean {
    if (this.askAt === null) return false;
    if (current && !this.thorough) return true;
    if (from !== null) (current ? this.current : this.unsure).add(from);
    const answered = peers.filter((peer) => this.unsure.has(peer) || this.current.has(peer)).length;
    if (answered === peers.length) return true;
    if (now - this.begunAt < ringCatchUpWaitMs) return false;
    // With itself, a majority of the ring: a partition right after the restart leaves it one side.
    return answered + 1 > (peers.length + 1) / 2 || this.current.size > 0;
  }

  /** True once a peer's ring has been taken in (or when this node never had to ask). */
  get caughtUp(): boolean {
    return this.askAt === null;
  }

  /** True when the request is due (first or again); schedules the next one. */
  due(now: number): boolean {
    if (this.askAt === null || now < this.askAt) return false;
    this.askAt = now + ringCatchUpRetryMs;
    return true;
  }

  /** The ring is confirmed (or nothing was needed). */
  answered(): void {
    this.askAt = null;
    this.unsure.clear();
    this.current.clear();
  }

  nextDeadline(): number | null {
    return this.askAt;
  }
}
