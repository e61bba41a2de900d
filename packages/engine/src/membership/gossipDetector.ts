/**
 * The gossip failure detector, the rule we teach (SPEC 1.6; van Renesse, Minsky & Hayden, 1998).
 *
 * Suspicion is local: this node suspects member m when m's heartbeat counter has not grown in this
 * node's table for `T_fail` (growth learned from anyone's gossip counts, so a member this node
 * cannot reach directly is not suspected while others still hear it).
 *
 * The verdict needs agreement. Precisely: this node declares m **down** when
 *   1. it suspects m itself, and
 *   2. at least one *other* member has reported suspecting m at the same (generation, heartbeat)
 *      this node holds — reports travel in the digests' `suspects` lists, transitively.
 * A report about an older heartbeat is stale and ignored (the membership only passes on reports
 * for the heartbeat it holds); growth of m's heartbeat clears every report and the suspicion, which
 * is how a paused or restarted member recovers. m never counts as a reporter of itself.
 *
 * So one node that loses contact with m (a one-way cut) at most suspects it; it takes a second
 * node's independent silence to convict. A node cut off from everyone suspects all the others but
 * convicts no one, because no report reaches it.
 */

import type { NodeId } from '../protocol/ids.ts';
import type { DetectorSettings, DetectorVerdict, Evidence, FailureDetector } from './failureDetector.ts';
import { rescaledSince } from './pace.ts';

interface Watch {
  lastGrewAt: number;
  /** Other members that suspect it at the heartbeat this node holds. */
  others: Set<NodeId>;
}

export class GossipDetector implements FailureDetector {
  readonly kind = 'gossip';
  readonly takesDirectEvidence = false;
  private readonly watches = new Map<NodeId, Watch>();

  constructor(private readonly settings: DetectorSettings) {}

  track(member: NodeId, now: number): void {
    this.watches.set(member, { lastGrewAt: now, others: new Set() });
  }

  forget(member: NodeId): void {
    this.watches.delete(member);
  }

  heard(member: NodeId, now: number, evidence: Evidence = 'heartbeat'): void {
    const watch = this.watches.get(member);
    if (!watch || evidence === 'direct') return;
    watch.lastGrewAt = now;
    watch.others.clear();
  }

  reported(member: NodeId, suspects: readonly NodeId[]): void {
    const watch = this.watches.get(member);
    if (!watch) return;
    for (const reporter of suspects) {
      if (reporter !== this.settings.self && reporter !== member) watch.others.add(reporter);
    }
  }

  unanswered(): void {}

  status(member: NodeId, now: number): DetectorVerdict {
    const watch = this.watches.get(member);
    if (!watch || !this.silent(watch, now)) return 'alive';
    return watch.others.size >= 1 ? 'down' : 'suspected';
  }

  reporters(member: NodeId, now: number): NodeId[] {
    const watch = this.watches.get(member);
    if (!watch) return [];
    const others = [...watch.others].sort();
    return this.silent(watch, now) ? [this.settings.self, ...others] : others;
  }

  nextChangeAt(member: NodeId, now: number): number | null {
    const watch = this.watches.get(member);
    if (!watch) return null;
    const at = watch.lastGrewAt + this.settings.failTimeoutMs;
    return at > now ? at : null;
  }

  silentForMs(member: NodeId, now: number): number {
    const watch = this.watches.get(member);
    return watch ? now - watch.lastGrewAt : 0;
  }

  rescale(now: number, factor: number): void {
    for (const watch of this.watches.values())
      watch.lastGrewAt = rescaledSince(watch.lastGrewAt, now, factor);
  }

  private silent(watch: Watch, now: number): boolean {
    return now >= watch.lastGrewAt + this.settings.failTimeoutMs;
  }
}
