/**
 * The gossip protocol's one message (SPEC 1.6): a digest of the sender's member list.
 *
 *   node ── gossip {members: [{id, generation, heartbeat, status, suspects}], reply} ──▶ fanout members
 *
 * Every `gossipIntervalMs` a node bumps its own heartbeat and sends its digest to `fanout` random
 * members; a node that hears from a member it did not know (a join) answers at once with its own
 * digest, marked `reply` so that the answer is not answered again.
 *
 * An entry is what the sender believes of one member: its incarnation (`generation`, the time it
 * started, so a restarted node's counter beats the one it had before the crash), its heartbeat
 * counter, its status in the sender's eyes, and the members that suspect it *at that heartbeat*
 * (`suspects`, the sender first when it suspects it too). Receivers merge by the larger
 * (generation, heartbeat) and take suspicions only for the heartbeat they also hold.
 *
 * An entry also carries the member's ring attributes (`weight`, `dataCentre`) when the sender knows
 * them: a member announces its own, others relay what they learnt. A node joining a running cluster
 * is known to the others only through gossip, and they need its attributes to build the same ring
 * (its token count is `virtualNodes × weight`; its data centre decides replica placement).
 *
 * Bound: a digest has at most `membersMax` entries, each with at most `suspicionReportersMax`
 * suspects, so with short ids a digest stays under about 30 KB even at the limit (a few hundred
 * bytes for the lab's 5-node cluster). The validator refuses anything larger.
 */

import { membersMax, suspicionReportersMax, tokensPerNodeMax } from '../constants.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { RingMember } from '../ring/ring.ts';

/** A member's status in one node's eyes. `left` is announced by the member itself and is final. */
export type MemberStatus = 'alive' | 'suspected' | 'down' | 'left';
export const memberStatuses: readonly MemberStatus[] = ['alive', 'suspected', 'down', 'left'];

/** A member's place on the ring as it announces it; absent fields take the ring's defaults. */
export interface RingAttributes {
  /** Relative capacity: `virtualNodes × weight` tokens. */
  weight?: number;
  /** Data-centre label (SPEC 1.3). */
  dataCentre?: string;
}

/** Just the ring attributes of `from` (an entry, a member, an event), without undefined fields. */
export function ringAttributesOf(from: RingAttributes): RingAttributes {
  const attributes: RingAttributes = {};
  if (from.weight !== undefined) attributes.weight = from.weight;
  if (from.dataCentre !== undefined) attributes.dataCentre = from.dataCentre;
  return attributes;
}

export interface GossipEntry extends RingAttributes {
  id: NodeId;
  /** The member's incarnation: its start time. Larger wins over any heartbeat of a smaller one. */
  generation: number;
  /** Bumped by the member itself once per gossip round; at least 1 in any digest. */
  heartbeat: number;
  status: MemberStatus;
  /** Members that suspect it at this (generation, heartbeat); at most `suspicionReportersMax`. */
  suspects: NodeId[];
  /**
   * With `left`: the ring the member left, without it (at most `membersMax` members). A node that
   * missed a join before the departure takes the join from it first (ringMembership.ts `follow`).
   */
  ring?: RingMember[];
}

export interface GossipMessage {
  type: 'gossip';
  members: GossipEntry[];
  /** True for the answer to a newcomer's digest: receivers do not answer it again. */
  reply: boolean;
}

// ── validation at trust boundaries ──────────────────────────────────────────────────────────────

type Body = Record<string, unknown>;
const isId = (v: unknown) => typeof v === 'string' && v.length > 0;
const isTime = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
/** Heartbeat 0 is a configured member the sender never heard from: sent only to pass on suspicions. */
const isCounter = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
/** Data-centre labels are names, as in scenario files (1 to 64 characters). */
const dataCentreLengthMax = 64;
const isWeight = (v: unknown) =>
  v === undefined || (typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= tokensPerNodeMax);
const isDataCentre = (v: unknown) =>
  v === undefined || (typeof v === 'string' && v.length > 0 && v.length <= dataCentreLengthMax);

/** A member's optional ring attributes are valid (gossip entries, ring members). */
function hasRingAttributes(e: Body): boolean {
  return isWeight(e.weight) && isDataCentre(e.dataCentre);
}

/** A ring member as messages carry it: an id and its optional ring attributes (RingMember). */
export function isRingMember(v: unknown): boolean {
  return typeof v === 'object' && v !== null && isId((v as Body).id) && hasRingAttributes(v as Body);
}

/** A list of ring members a message carries: at most `membersMax`. */
export function isRingMemberList(v: unknown): boolean {
  return Array.isArray(v) && v.length <= membersMax && v.every(isRingMember);
}

function isEntry(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const e = v as Body;
  return (
    isId(e.id) &&
    isTime(e.generation) &&
    isCounter(e.heartbeat) &&
    memberStatuses.includes(e.status as MemberStatus) &&
    Array.isArray(e.suspects) &&
    e.suspects.length <= suspicionReportersMax &&
    e.suspects.every(isId) &&
    hasRingAttributes(e) &&
    (e.ring === undefined || isRingMemberList(e.ring))
  );
}

export const gossipValidators = {
  gossip: (b: Body) =>
    Array.isArray(b.members) &&
    b.members.length <= membersMax &&
    b.members.every(isEntry) &&
    typeof b.reply === 'boolean'
      ? null
      : `gossip needs reply and at most ${membersMax} members, each with id, generation, heartbeat ≥ 0, status, at most ${suspicionReportersMax} suspects, and optionally a weight in (0, ${tokensPerNodeMax}] and a data centre of 1 to ${dataCentreLengthMax} characters`,
} satisfies Record<GossipMessage['type'], (b: Body) => string | null>;
