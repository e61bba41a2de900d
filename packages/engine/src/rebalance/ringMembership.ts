/**
 * One node's ring as membership changes it (SPEC 1.7): the ring starts from the configured members
 * and follows what this node's gossip reports — a member that joins is added with the weight and
 * data centre its gossip entry carries (membership/messages.ts), a member that announces `left` is
 * removed. A joiner takes its own attributes from its configured entry. The members that left are
 * remembered (`departed`), so that a peer that was down while they left can learn it on restart.
 * A member that is merely down stays on the ring (Dynamo §4.8.1: an outage is not a departure).
 * Token placement is a function of the member list alone (ring.ts), so every node that has heard
 * of the same joins and departures holds the identical ring.
 *
 * Each change emits `ring.changed` with the share of the ring whose preference lists changed.
 */

import { membersMax } from '../constants.ts';
import { ringAttributesOf } from '../membership/messages.ts';
import type { NodeOutput } from '../node/contract.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { Placement } from '../ring/placement.ts';
import { movedFraction, rangeMoves } from '../ring/rangeMoves.ts';
import { buildRing, checkRingMembers, type Ring, type RingMember } from '../ring/ring.ts';

const noneJoined: readonly NodeId[] = [];

export class RingMembership {
  private members: RingMember[];
  private current: Ring;
  /** This node as configured (its weight and data centre), for the ring a joiner is going to. */
  private readonly selfMember: RingMember;
  /** Members that left this ring, oldest first, at most `membersMax`. */
  private departedIds: NodeId[];

  constructor(
    private readonly self: NodeId,
    /** The ring to start from: the configured members (a joiner without itself), or the saved ring. */
    start: readonly RingMember[],
    /** This node with its weight and data centre, as it places itself when it joins. */
    selfMember: RingMember,
    private readonly virtualNodes: number,
    /** N, or N per data centre (ring/placement.ts). */
    private readonly placement: Placement,
    /** Told of every new ring (the node hands it to anti-entropy and saves it). */
    private readonly onChange: (ring: Ring, members: readonly RingMember[]) => void,
    departed: readonly NodeId[] = [],
  ) {
    this.departedIds = departed.slice(-membersMax);
    this.selfMember = selfMember;
    this.members = start.slice();
    this.current = buildRing(this.members, { virtualNodes });
  }

  get ring(): Ring {
    return this.current;
  }

  /** The members that left this ring (a departure is final: ids are not reused). */
  get departed(): readonly NodeId[] {
    return this.departedIds;
  }

  /** The members the ring is built from, with their attributes. */
  get memberList(): readonly RingMember[] {
    return this.members;
  }

  has(member: NodeId): boolean {
    return this.members.some((m) => m.id === member);
  }

  /** The ring with this node on it (where a joiner is going). */
  withSelf(): Ring {
    return this.has(this.self) ? this.current : this.build([...this.members, this.selfMember]);
  }

  /** The ring without this node (where a decommission is going). */
  withoutSelf(): Ring {
    return this.build(this.withoutSelfMembers());
  }

  /** The members of that ring (what a leaving node announces it leaves). */
  withoutSelfMembers(): RingMember[] {
    return this.members.filter((m) => m.id !== this.self);
  }

  /** Adds `member` (this node's own configured entry when it is this node). */
  add(member: RingMember, now: number, out: NodeOutput): void {
    if (this.has(member.id)) return;
    const members = [...this.members, member.id === this.self ? this.selfMember : member];
    // Gossip is validated, but a weight can still be too large for this ring's virtual nodes.
    const refused = checkRingMembers(members, { virtualNodes: this.virtualNodes });
    if (refused) {
      out.events.push({ type: 'rebalance.refused', at: now, node: this.self, error: refused.message });
      return;
    }
    this.departedIds = this.departedIds.filter((id) => id !== member.id);
    this.adopt(members, now, out);
  }

  /**
   * Takes a member that left off the ring. A departure of a member this ring never held (it left
   * before this node joined) is remembered too, so that no ring a later message carries adds it back.
   */
  remove(member: NodeId, now: number, out: NodeOutput): void {
    if (member !== this.self && !this.departedIds.includes(member))
      this.departedIds = [...this.departedIds, member].slice(-membersMax);
    if (!this.has(member)) return;
    this.adopt(
      this.members.filter((m) => m.id !== member),
      now,
      out,
    );
  }

  /**
   * Applies the joins and departures this node's membership reported in this step's output, joins
   * first: a departure happened after every join its leaver's ring shows, so a node that missed one
   * (cut off while it happened) takes it from the ring the departure carries before it removes the
   * leaver. Otherwise it would hold a ring that never existed (T3 seed 683: n2, partitioned through
   * n6's join, took n3's departure alone and read a key of n6's from its own empty copy).
   * Returns the members added (their senders may stop forwarding after a grace period).
   */
  follow(now: number, out: NodeOutput): readonly NodeId[] {
    let added: NodeId[] | null = null; // after every step of the node, and almost always none
    let departures = false;
    const count = out.events.length; // the ring's own events, pushed below, are not read again
    for (let i = 0; i < count; i++) {
      const event = out.events[i] as (typeof out.events)[number];
      if (event.node !== this.self) continue;
      if (event.type === 'member.left') departures = true;
      if (event.type !== 'member.joined' || this.has(event.member)) continue;
      this.add({ id: event.member, ...ringAttributesOf(event) }, now, out);
      if (!this.has(event.member)) continue;
      added ??= [];
      added.push(event.member);
    }
    for (let i = 0; departures && i < count; i++) {
      const event = out.events[i] as (typeof out.events)[number];
      if (event.node !== this.self || event.type !== 'member.left') continue;
      // A leaver this ring does not hold left before this node heard of it, or before it joined:
      // the ring it carries is older than this one, and adding its members could bring back one
      // that left since (n8, joined after n2 and n6 left, heard n2's departure late and took n6
      // back from the ring n2 left).
      const joined =
        event.ring && this.has(event.member) ? this.addMissing(event.ring, now, out) : noneJoined;
      if (joined.length > 0) added = [...(added ?? []), ...joined];
      this.remove(event.member, now, out);
    }
    return added ?? noneJoined;
  }

  /**
   * Adds the members of another node's ring that this ring lacks, unless this node knows they left
   * (a departure is final). Returns the ids added.
   */
  addMissing(members: readonly RingMember[], now: number, out: NodeOutput): NodeId[] {
    const added: NodeId[] = [];
    for (const member of members) {
      if (member.id === this.self || this.has(member.id) || this.departedIds.includes(member.id)) continue;
      this.add({ id: member.id, ...ringAttributesOf(member) }, now, out);
      if (this.has(member.id)) added.push(member.id);
    }
    return added;
  }

  private build(members: readonly RingMember[]): Ring {
    return buildRing(members, { virtualNodes: this.virtualNodes });
  }

  private adopt(members: RingMember[], now: number, out: NodeOutput): void {
    const before = this.current;
    const after = this.build(members);
    const moves = rangeMoves(before, after, this.placement);
    const had = new Set(this.members.map((m) => m.id));
    const has = new Set(members.map((m) => m.id));
    this.members = members;
    this.current = after;
    this.onChange(after, members);
    out.events.push({
      type: 'ring.changed',
      at: now,
      node: this.self,
      added: [...has].filter((id) => !had.has(id)),
      removed: [...had].filter((id) => !has.has(id)),
      movedFraction: movedFraction(moves),
      ranges: moves.length,
    });
  }
}
