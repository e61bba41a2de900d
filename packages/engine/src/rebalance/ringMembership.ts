/**
 * One node's ring as membership changes it (SPEC 1.7): the ring starts from the configured members
 * and follows what this node's gossip reports — a member that joins is added (weight 1, default
 * data centre: gossip carries no ring attributes yet), a member that announces `left` is removed.
 * A member that is merely down stays on the ring (Dynamo §4.8.1: an outage is not a departure).
 * Token placement is a function of the member list alone (ring.ts), so every node that has heard
 * of the same joins and departures holds the identical ring.
 *
 * Each change emits `ring.changed` with the share of the ring whose preference lists changed.
 */

import type { NodeOutput } from '../node/contract.ts';
import type { NodeId } from '../protocol/ids.ts';
import { movedFraction, rangeMoves } from '../ring/rangeMoves.ts';
import { buildRing, type Ring, type RingMember } from '../ring/ring.ts';

export class RingMembership {
  private members: RingMember[];
  private current: Ring;

  constructor(
    private readonly self: NodeId,
    configured: readonly RingMember[],
    /** A joiner starts off the ring and adds itself once its ranges have arrived. */
    joining: boolean,
    private readonly virtualNodes: number,
    private readonly n: number,
    /** Told of every new ring (the node hands it to anti-entropy). */
    private readonly onChange: (ring: Ring) => void,
  ) {
    this.members = joining ? configured.filter((m) => m.id !== self) : configured.slice();
    this.current = buildRing(this.members, { virtualNodes });
  }

  get ring(): Ring {
    return this.current;
  }

  has(member: NodeId): boolean {
    return this.members.some((m) => m.id === member);
  }

  /** The ring with this node on it (where a joiner is going). */
  withSelf(): Ring {
    return this.has(this.self) ? this.current : this.build([...this.members, { id: this.self }]);
  }

  /** The ring without this node (where a decommission is going). */
  withoutSelf(): Ring {
    return this.build(this.members.filter((m) => m.id !== this.self));
  }

  add(member: NodeId, now: number, out: NodeOutput): void {
    if (!this.has(member)) this.adopt([...this.members, { id: member }], now, out);
  }

  remove(member: NodeId, now: number, out: NodeOutput): void {
    if (this.has(member))
      this.adopt(
        this.members.filter((m) => m.id !== member),
        now,
        out,
      );
  }

  /**
   * Applies the joins and departures this node's membership reported in this step's output.
   * Returns the members added (their senders may stop forwarding after a grace period).
   */
  follow(now: number, out: NodeOutput): NodeId[] {
    const added: NodeId[] = [];
    for (let i = 0; i < out.events.length; i++) {
      const event = out.events[i] as (typeof out.events)[number];
      if (event.node !== this.self) continue;
      if (event.type === 'member.joined' && !this.has(event.member)) {
        this.add(event.member, now, out);
        added.push(event.member);
      } else if (event.type === 'member.left') {
        this.remove(event.member, now, out);
      }
    }
    return added;
  }

  private build(members: readonly RingMember[]): Ring {
    return buildRing(members, { virtualNodes: this.virtualNodes });
  }

  private adopt(members: RingMember[], now: number, out: NodeOutput): void {
    const before = this.current;
    const after = this.build(members);
    const moves = rangeMoves(before, after, this.n);
    const had = new Set(this.members.map((m) => m.id));
    const has = new Set(members.map((m) => m.id));
    this.members = members;
    this.current = after;
    this.onChange(after);
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
