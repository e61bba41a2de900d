/**
 * What membership tells the world (DESIGN.md rule 4): every suspicion, verdict and recovery, and
 * members arriving, leaving and being forgotten, each as seen by one node (`node`). Nodes disagree
 * for a while by design; the lab draws each node's view from these.
 *
 *   alive ──T_fail──▶ suspected ──a second reporter──▶ down ──T_cleanup──▶ removed
 *     ▲                  │                              │
 *     └── heartbeat grows ┴──────────────────────────────┘        left ──T_cleanup──▶ removed
 *
 * Detectors without an agreement step (local, phi) emit `member.suspected` and `member.down` in the
 * same instant: for them the suspicion is the verdict.
 */

import type { EventBase } from '../protocol/events.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { RingMember } from '../ring/ring.ts';
import type { FailureDetectorKind } from '../scenario/types.ts';
import type { RingAttributes } from './messages.ts';

export interface MemberSuspected extends EventBase {
  type: 'member.suspected';
  member: NodeId;
  /** The node whose own evidence raised the suspicion (this node). */
  by: NodeId;
  detector: FailureDetectorKind;
  /** How long the member had been silent in this node's eyes. */
  silentForMs: number;
}

export interface MemberDown extends EventBase {
  type: 'member.down';
  member: NodeId;
  /** The members whose suspicion made the verdict, this node first. */
  reportedBy: NodeId[];
  detector: FailureDetectorKind;
}

export interface MemberAlive extends EventBase {
  type: 'member.alive';
  member: NodeId;
  /** What this node believed before the member's heartbeat (or message) came through. */
  was: 'suspected' | 'down';
}

export interface MemberJoined extends EventBase, RingAttributes {
  type: 'member.joined';
  member: NodeId;
  /** The node whose digest introduced it (the member itself when it contacted this node). */
  via: NodeId;
}

export interface MemberLeft extends EventBase {
  type: 'member.left';
  member: NodeId;
  /** The ring it left, without it, when its announcement carried one (messages.ts `GossipEntry.ring`). */
  ring?: RingMember[];
  /** The peer whose ring told this node, when gossip no longer did (rebalance/missedDepartures.ts). */
  via?: NodeId;
}

export interface MemberRemoved extends EventBase {
  type: 'member.removed';
  member: NodeId;
  was: 'down' | 'left';
}

export type MembershipEvent =
  | MemberSuspected
  | MemberDown
  | MemberAlive
  | MemberJoined
  | MemberLeft
  | MemberRemoved;
