/**
 * The members gossip removed after T_cleanup (SPEC 1.6), remembered for two reasons:
 *
 *   - stale news: gossip about a removed member at or below the incarnation it was removed at is
 *     old, and must not bring it back (a member returns only with a newer heartbeat or generation);
 *   - partitions: a member removed while *down* (not one that left) is still on the ring and may be
 *     merely cut off. Gossip keeps probing it now and then, as it probes down members; otherwise
 *     two sides of a partition longer than T_cleanup would each forget the other and never merge
 *     again when it heals, since neither would send the other anything.
 *
 * At most `membersMax` are kept, the oldest forgotten first.
 */

import { membersMax } from '../constants.ts';
import type { NodeId } from '../protocol/ids.ts';
import { compareIncarnations, type Incarnation } from './gossipDigest.ts';

interface Tombstone extends Incarnation {
  /** Removed while down (it may come back), not after leaving. */
  down: boolean;
}

export class Tombstones {
  private readonly removed = new Map<NodeId, Tombstone>();

  /** Remembers `id` gone at this incarnation; `down` when it was removed as down, not as departed. */
  bury(id: NodeId, incarnation: Incarnation, down: boolean): void {
    this.removed.delete(id); // re-inserted last: the newest is forgotten last
    this.removed.set(id, { generation: incarnation.generation, heartbeat: incarnation.heartbeat, down });
    if (this.removed.size > membersMax) this.removed.delete(this.removed.keys().next().value as NodeId);
  }

  /** Is news of `id` at this incarnation older than its removal? */
  stale(id: NodeId, incarnation: Incarnation): boolean {
    const tombstone = this.removed.get(id);
    return tombstone !== undefined && compareIncarnations(incarnation, tombstone) <= 0;
  }

  /** `id` is a member again. */
  lift(id: NodeId): void {
    this.removed.delete(id);
  }

  /** `id`, removed while down, is known to have left after all: no longer probed. */
  departed(id: NodeId): void {
    const tombstone = this.removed.get(id);
    if (tombstone) tombstone.down = false;
  }

  /** The members removed while down: gossip probes them now and then. */
  unreachable(): NodeId[] {
    const ids: NodeId[] = [];
    for (const [id, tombstone] of this.removed) if (tombstone.down) ids.push(id);
    return ids;
  }
}
