/**
 * The local failure detector: Dynamo's final design (DeCandia et al., 2007, §4.8.3). "Node A may
 * consider node B failed if node B does not respond to node A's messages": each node decides alone,
 * from its own traffic with the member, with no gossip of suspicions and no agreement.
 *
 * Evidence is direct only: any message the member sent this node. So that an idle cluster still
 * notices a crash, the membership sends its heartbeat to every member each round in this mode
 * (n − 1 messages per node per round instead of `fanout`). A member is down when nothing came from
 * it for `T_fail`, or at once when a request to it went unanswered; the next message from it makes
 * it alive again. A one-way cut (B → A lost) convicts B at A even though everyone else hears it:
 * the contrast with the gossip detector the lab shows.
 */

import type { NodeId } from '../protocol/ids.ts';
import type { DetectorSettings, DetectorVerdict, Evidence, FailureDetector } from './failureDetector.ts';
import { rescaledSince } from './pace.ts';

interface Watch {
  lastDirectAt: number;
  /** Set when a request to it timed out; cleared by the next message from it. */
  unanswered: boolean;
}

export class LocalDetector implements FailureDetector {
  readonly kind = 'local';
  readonly takesDirectEvidence = true;
  private readonly watches = new Map<NodeId, Watch>();

  constructor(private readonly settings: DetectorSettings) {}

  track(member: NodeId, now: number): void {
    this.watches.set(member, { lastDirectAt: now, unanswered: false });
  }

  forget(member: NodeId): void {
    this.watches.delete(member);
  }

  heard(member: NodeId, now: number, evidence: Evidence = 'heartbeat'): void {
    const watch = this.watches.get(member);
    if (!watch || evidence !== 'direct') return;
    watch.lastDirectAt = now;
    watch.unanswered = false;
  }

  reported(): void {}

  unanswered(member: NodeId): void {
    const watch = this.watches.get(member);
    if (watch) watch.unanswered = true;
  }

  status(member: NodeId, now: number): DetectorVerdict {
    const watch = this.watches.get(member);
    if (!watch) return 'alive';
    return watch.unanswered || now >= watch.lastDirectAt + this.settings.failTimeoutMs ? 'down' : 'alive';
  }

  reporters(member: NodeId, now: number): NodeId[] {
    return this.status(member, now) === 'down' ? [this.settings.self] : [];
  }

  nextChangeAt(member: NodeId, now: number): number | null {
    const watch = this.watches.get(member);
    if (!watch || watch.unanswered) return null;
    const at = watch.lastDirectAt + this.settings.failTimeoutMs;
    return at > now ? at : null;
  }

  silentForMs(member: NodeId, now: number): number {
    const watch = this.watches.get(member);
    return watch ? now - watch.lastDirectAt : 0;
  }

  rescale(now: number, factor: number): void {
    for (const watch of this.watches.values())
      watch.lastDirectAt = rescaledSince(watch.lastDirectAt, now, factor);
  }
}
