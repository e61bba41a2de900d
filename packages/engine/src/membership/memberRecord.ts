/**
 * One row of a node's member table (membership.ts), what the lab's inspector shows of it, and the
 * `member.left` event a row's departure reports. Kept apart from the gossip state machine that
 * owns the table, like the digest (gossipDigest.ts) and the removed members (tombstones.ts).
 */

import type { NodeId } from '../protocol/ids.ts';
import type { RingMember } from '../ring/ring.ts';
import type { MembershipEvent } from './events.ts';
import type { FailureDetector } from './failureDetector.ts';
import type { MemberStatus, RingAttributes } from './messages.ts';

/** One row of this node's member table. */
export interface MemberRecord extends RingAttributes {
  id: NodeId;
  generation: number;
  /** 0 for a configured member not heard of yet (gossiped only with suspicions of it). */
  heartbeat: number;
  lastGrewAt: number;
  status: MemberStatus;
  /** When `status` last changed. */
  since: number;
  /** A member that left: the ring it left, as its announcement carried it (passed on in gossip). */
  ring?: RingMember[];
}

/** One row of the lab's membership table (a node snapshot's `membership`): a record and its evidence. */
export interface MemberView extends MemberRecord {
  reporters: NodeId[];
  silentForMs: number;
  phi?: number;
}

/** The inspector's row for `record`: who reports it and for how long it has been silent (φ too). */
export function memberView(detector: FailureDetector, record: MemberRecord, now: number): MemberView {
  const watched = record.status !== 'left';
  const view: MemberView = {
    ...record,
    reporters: watched ? detector.reporters(record.id, now) : [],
    silentForMs: watched ? detector.silentForMs(record.id, now) : now - record.lastGrewAt,
  };
  if (watched && detector.phi) view.phi = detector.phi(record.id, now);
  return view;
}

/** This node's own row: alive since it started (its generation), unless it has left. */
export function ownView(
  id: NodeId,
  generation: number,
  heartbeat: number,
  left: boolean,
  now: number,
): MemberView {
  const status = left ? 'left' : 'alive';
  return {
    id,
    generation,
    heartbeat,
    lastGrewAt: now,
    status,
    since: generation,
    reporters: [],
    silentForMs: 0,
  };
}

/**
 * `member.left`, with the ring the member left when its announcement carried one, or the peer whose
 * ring told this node.
 */
export function leftEvent(
  at: number,
  node: NodeId,
  member: NodeId,
  ring: RingMember[] | undefined,
  via?: NodeId,
): MembershipEvent {
  const event: MembershipEvent = { type: 'member.left', at, node, member };
  if (ring) event.ring = ring;
  if (via) event.via = via;
  return event;
}
