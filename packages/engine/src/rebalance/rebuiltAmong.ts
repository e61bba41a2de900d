/**
 * The members a node's disk was last rebuilt among (strict quorums, SPEC 1.7), and which of them
 * have left since.
 *
 * A rebuild pulls the ranges the node replicates on the ring it starts on. A member of that ring
 * may have been handing ranges to this node before its disk was lost (a decommission held up by a
 * partition): its hand-over was acknowledged, so it leaves without sending them again, and the copy
 * this node gains lived only on the lost disk. So when such a member leaves, the node pulls what it
 * gains from the other replicas before it answers reads (nodeRebalance.ts). Seed 8541 of the random
 * faults with the autoscaler found it: n4 took ranges from a leaving n5, was wiped, rebuilt on the
 * ring with n5, and once n5 left it answered a read of k1 from an empty copy.
 *
 * The members are saved in the ring file (`rebuiltAmong`), so a restart keeps them.
 */

import type { NodeId } from '../protocol/ids.ts';
import type { Ring } from '../ring/ring.ts';

export class RebuiltAmong {
  private readonly members: Set<NodeId>;
  /** The ring `departedSince` last looked at. */
  private ringSeen: Ring;

  constructor(saved: readonly NodeId[], ring: Ring) {
    this.members = new Set(saved);
    this.ringSeen = ring;
  }

  /** A rebuild starts on `ring`: its other members are the ones whose departure pulls again. */
  started(ring: Ring, self: NodeId): void {
    this.members.clear();
    for (const member of ring.nodes) if (member.id !== self) this.members.add(member.id);
    this.ringSeen = ring;
  }

  /**
   * The ring before the change to `ring` when a member rebuilt among left in it (forgotten then:
   * one departure pulls once), else null. `waiting`: a rebuild is due that pulls every range of
   * the current ring anyway.
   */
  departedSince(ring: Ring, waiting: boolean): Ring | null {
    const before = this.ringSeen;
    if (before === ring) return null;
    this.ringSeen = ring;
    if (waiting) return null;
    const departed = [...this.members].filter((id) => !ring.nodes.some((node) => node.id === id));
    for (const id of departed) this.members.delete(id);
    return departed.length > 0 ? before : null;
  }

  list(): NodeId[] {
    return [...this.members];
  }
}
