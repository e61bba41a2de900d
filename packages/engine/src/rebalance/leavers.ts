/**
 * The members handing their ranges to this node before they leave (SPEC 1.7). A decommissioned
 * node pushes each range it loses to the node that gains it on the ring without it, and forwards
 * the writes it stores meanwhile; both say `leaving` (messages.ts). Until the leaver is gone from
 * this node's ring, that ring still gives it those ranges, so this node would take what it was
 * handed for strays and hand it back (strayKeys.ts), or delete it in a join's clean-up
 * (rangeCleanup.ts) — and once the leaver had left, the range's new replica would lack the writes
 * it was handed (a slow schedule, seed 152 under strict quorums with R=1 W=3: a decommission held
 * up by a partition for a minute, a stale read after it). So a key this node replicates on its ring
 * without the leavers is its own to keep, though not yet to serve.
 */

import type { NodeId } from '../protocol/ids.ts';
import { type Placement, replicasFor } from '../ring/placement.ts';
import { buildRing, type Ring } from '../ring/ring.ts';

export class Leavers {
  private readonly peers = new Set<NodeId>();
  /** The ring without the leavers still on it, for the ring it was built from. */
  private cached: { from: Ring; without: Ring | null } | null = null;

  constructor(
    private readonly self: NodeId,
    private readonly placement: Placement,
  ) {}

  /** `peer` sent a batch or a forward while leaving. */
  heard(peer: NodeId): void {
    if (this.peers.has(peer)) return;
    this.peers.add(peer);
    this.cached = null;
  }

  /** Does this node replicate `key` on `ring` without the members leaving it? */
  replicatesWithout(ring: Ring, key: string): boolean {
    const without = this.ringWithout(ring);
    return without !== null && replicasFor(without, key, this.placement).nodes.includes(this.self);
  }

  private ringWithout(ring: Ring): Ring | null {
    if (this.peers.size === 0) return null;
    if (this.cached?.from === ring) return this.cached.without;
    for (const peer of this.peers) if (!ring.nodes.some((node) => node.id === peer)) this.peers.delete(peer);
    const members = ring.nodes.filter((node) => !this.peers.has(node.id));
    const without = this.peers.size === 0 ? null : buildRing(members, { virtualNodes: ring.virtualNodes });
    this.cached = { from: ring, without };
    return without;
  }
}
