/**
 * Departures a node missed while it was cut off (SPEC 1.7). Gossip announces a departure only for
 * T_cleanup (30 s); a node cut off from everyone for longer hears nothing of it once the partition
 * heals, and its ring would keep the member that left for ever — as a down member whose hints are
 * never delivered and whose ranges the rest of the cluster no longer gives it.
 *
 * The sign is a member on this node's ring that may have left unseen: silent for longer than
 * gossip announces a departure (its heartbeat stopped: it crashed, or it left while this node was
 * cut off), or no longer tracked at all (removed after being down past T_cleanup). Its peers do not
 * mention it (they removed it once it had left), so nothing else would ever correct this node's
 * view. This module says when to ask the members heard alive for their ring (`ring-state`;
 * ringStateExchange.ts takes the departures from the answers):
 *
 *   - when gossip removes a down member that is on the ring;
 *   - when a member comes back (joins again after its own removal, or is alive again after a
 *     suspicion or a verdict) while the ring holds one that may have left unseen: a long partition
 *     healed. A short one asks nothing: a departure during it is still announced.
 *
 * A member that merely crashed is in no one's departed list, so the answers change nothing.
 */

import type { MemberStatus } from '../membership/messages.ts';
import type { ClusterEvent } from '../protocol/events.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { Ring } from '../ring/ring.ts';

/** What the node's gossip says of a member. */
export interface MemberNews {
  /** Its status, or `unknown` when gossip no longer tracks it. */
  memberStatus(member: NodeId): MemberStatus | 'unknown';
  /** Untracked, or silent for longer than gossip announces a departure (T_cleanup), at `now`. */
  mayHaveLeftUnseen(member: NodeId, now: number): boolean;
}

const nobody: readonly NodeId[] = [];

/** The members to ask who left, after a step that emitted `events` (none, almost always). */
export function missedDepartureAsks(
  events: readonly ClusterEvent[],
  self: NodeId,
  ring: Ring,
  news: MemberNews,
  now: number,
): readonly NodeId[] {
  let ask = false;
  for (let i = 0; i < events.length && !ask; i++) {
    const event = events[i] as ClusterEvent;
    if (event.node !== self) continue;
    if (event.type === 'member.removed') ask = event.was === 'down' && onRing(ring, event.member);
    else if (event.type === 'member.joined' || event.type === 'member.alive')
      ask = someMayHaveLeft(ring, self, news, now);
  }
  return ask ? aliveOthers(ring, self, news) : nobody;
}

// The arrows live in helpers: in `missedDepartureAsks`, which every step calls, they would make V8
// build its closure context on every call, though it almost always asks nobody.

function someMayHaveLeft(ring: Ring, self: NodeId, news: MemberNews, now: number): boolean {
  return ring.nodes.some((member) => member.id !== self && news.mayHaveLeftUnseen(member.id, now));
}

function aliveOthers(ring: Ring, self: NodeId, news: MemberNews): NodeId[] {
  return ring.nodes.map((m) => m.id).filter((id) => id !== self && news.memberStatus(id) === 'alive');
}

function onRing(ring: Ring, member: NodeId): boolean {
  return ring.nodes.some((node) => node.id === member);
}
