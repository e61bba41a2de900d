/**
 * Departures a node missed while it was cut off (SPEC 1.7). Gossip announces a departure only for
 * T_cleanup (30 s); a node cut off from everyone for longer hears nothing of it once the partition
 * heals, and its ring would keep the member that left for ever — as a down member whose hints are
 * never delivered and whose ranges the rest of the cluster no longer gives it.
 *
 * The sign is a member on this node's ring that its gossip does not hear alive: suspected or down
 * (its heartbeat stopped: it crashed, or it left unseen), or no longer tracked at all (removed after
 * being down past T_cleanup). Its peers do not mention it (they removed it once it had left), so
 * nothing else would ever correct this node's view. This module says when to ask the members heard
 * alive for their ring (`ring-state`; ringStateExchange.ts takes the departures from the answers):
 *
 *   - when gossip removes a down member that is on the ring;
 *   - when a member comes back (joins again after its own removal, or is alive again after a
 *     suspicion or a verdict) while the ring holds a member not heard alive: a partition healed.
 *
 * A member that merely crashed is in no one's departed list, so the answers change nothing.
 */

import type { MemberStatus } from '../membership/messages.ts';
import type { ClusterEvent } from '../protocol/events.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { Ring } from '../ring/ring.ts';

/** What the membership says of a member: its status, or `unknown` when gossip no longer tracks it. */
export type MemberStatusOf = (member: NodeId) => MemberStatus | 'unknown';

const nobody: readonly NodeId[] = [];

/** The members to ask who left, after a step that emitted `events` (none, almost always). */
export function missedDepartureAsks(
  events: readonly ClusterEvent[],
  self: NodeId,
  ring: Ring,
  statusOf: MemberStatusOf,
): readonly NodeId[] {
  let ask = false;
  for (let i = 0; i < events.length && !ask; i++) {
    const event = events[i] as ClusterEvent;
    if (event.node !== self) continue;
    if (event.type === 'member.removed') ask = event.was === 'down' && onRing(ring, event.member);
    else if (event.type === 'member.joined' || event.type === 'member.alive')
      ask = ring.nodes.some((member) => member.id !== self && statusOf(member.id) !== 'alive');
  }
  if (!ask) return nobody;
  return ring.nodes.map((member) => member.id).filter((id) => id !== self && statusOf(id) === 'alive');
}

function onRing(ring: Ring, member: NodeId): boolean {
  return ring.nodes.some((node) => node.id === member);
}
