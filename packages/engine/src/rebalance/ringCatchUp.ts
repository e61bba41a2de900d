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
 * their ring, again every `ringCatchUpRetryMs` until one answers, and takes the answer whole: first
 * the members it lacks, then the departures. Under strict quorums it serves nothing until then
 * (nodeRebalance.ts `notServing`, `refusal`): a coordinator or replica on an old ring could count
 * replicas the current ring no longer has. Under sloppy quorums it serves at once, as before.
 */

import { ringCatchUpRetryMs } from '../constants.ts';

export class RingCatchUp {
  /** When to ask the ring's members (again); null once one has answered, or when none was needed. */
  private askAt: number | null = null;

  /** A restart: the ring must be confirmed by a peer, starting with a request now. */
  begin(now: number): void {
    this.askAt = now;
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

  /** A peer's ring arrived and was taken in. */
  answered(): void {
    this.askAt = null;
  }

  nextDeadline(): number | null {
    return this.askAt;
  }
}
