/**
 * Clean-up after a join (SPEC 1.7; Cassandra's `nodetool cleanup`, run automatically): a node that
 * streamed a range to a joiner keeps its copies until it is sure the joiner holds them, then deletes
 * the keys of that range it no longer replicates, so every key ends up on its preference list only.
 *
 *   stream to the joiner opens ─▶ keys stored here in the range from now on are "dirty"
 *   last batch acknowledged (durable on the joiner) ─▶ wait for the ring to show the joiner
 *   ring shows it ─▶ + rangeForwardGraceMs (coordinators on the old ring have caught up)
 *   sweep: keys of the range this node no longer replicates
 *          clean ones (acknowledged in the stream, unchanged since) ─▶ deleted
 *          dirty ones (only forwarded, never acknowledged) ─▶ pushed again as a stream of those
 *          keys; once acknowledged, swept again (at most `cleanupRoundsMax` rounds)
 *   done ─▶ `range.cleaned` with the keys removed and the keys kept (when there were any)
 *
 * Safety: a key is deleted only when (1) the joiner acknowledged it durable in a stream whose
 * snapshot or key list held it, and it was not stored here again after that stream opened, and
 * (2) this node does not replicate it on its current ring (asked at deletion time, so a later
 * membership change that gives the range back keeps it), and (3) it holds no hint for it. Keys that
 * stay dirty after the last round are kept (and counted): a surplus copy, never a lost one.
 *
 * Acknowledged hand-overs are saved with the node's ring (ringFile.ts). A node that restarts before
 * its sweep no longer knows which keys were stored after the stream, so it counts every key of a
 * restored hand-over as dirty: the first sweep re-sends them all, and deletes them once acknowledged.
 */

import type { KeyRange } from '../antiEntropy/ranges.ts';
import { rangeForwardGraceMs } from '../constants.ts';
import type { NodeOutput } from '../node/contract.ts';
import type { NodeId } from '../protocol/ids.ts';
import { arcContains, keyPosition } from '../ring/ring.ts';
import type { StreamResult } from './events.ts';
import type { SavedHandover } from './ringFile.ts';

/**
 * Sweeps per handed-over range. Each round re-sends only the keys stored during the one before, so
 * under a steady trickle of stale writes the rounds shrink; a range still dirty after this many
 * keeps those keys rather than stream forever.
 */
const cleanupRoundsMax = 3;

export interface CleanupHost {
  readonly self: NodeId;
  /** The keys this node stores in the range. */
  keysIn(range: KeyRange): string[];
  /** True when this node replicates `key` on its current ring (it must keep it). */
  replicates(key: string): boolean;
  /** True when this node holds a hint carrying `key` for another node. */
  holdsHint(key: string): boolean;
  /** Is `node` a member of this node's current ring? */
  onRing(node: NodeId): boolean;
  /** Deletes `key` from this node's data. */
  remove(key: string): void;
  /** Streams exactly `keys` of `range` to `to`; returns the stream id. */
  push(to: NodeId, range: KeyRange, keys: string[], now: number, out: NodeOutput): string;
  /** A sweep left keys this node does not replicate: they are stray now (strayKeys.ts). */
  kept(now: number): void;
  /** The acknowledged hand-overs changed: save them (`acknowledged()`). */
  changed(): void;
}

interface Handover {
  peer: NodeId;
  range: KeyRange;
  /** Keys stored here in the range since the stream covering them opened. */
  dirty: Set<string>;
  /** Restored after a restart: which keys changed is unknown, so every key counts as dirty. */
  allDirty: boolean;
  /** When the sweep is due; null until the peer acknowledged and the ring shows it. */
  dueAt: number | null;
  acknowledged: boolean;
  /** The stream re-sending dirty keys, while one is open. */
  verifying: string | null;
  rounds: number;
  removed: number;
}

export class RangeCleanup {
  /** Handovers by the id of the stream in flight for them (the original, then each re-send). */
  private readonly handovers = new Map<string, Handover>();

  constructor(private readonly host: CleanupHost) {}

  get pending(): number {
    return this.handovers.size;
  }

  /** An outgoing stream to a joiner opened: from now on, writes in its range are dirty. */
  opened(stream: string, peer: NodeId, range: KeyRange): void {
    if (this.handovers.has(stream)) return;
    const handover: Handover = {
      peer,
      range,
      dirty: new Set(),
      allDirty: false,
      dueAt: null,
      acknowledged: false,
      verifying: null,
      rounds: 0,
      removed: 0,
    };
    this.handovers.set(stream, handover);
  }

  /** An outgoing stream finished: every key it covered is durable on its receiver. */
  finished(result: StreamResult, now: number, out: NodeOutput): void {
    const handover = this.handovers.get(result.stream);
    if (!handover) return;
    if (handover.verifying === result.stream) {
      handover.verifying = null;
      handover.rounds++;
      this.sweep(result.stream, handover, now, out);
      return;
    }
    handover.acknowledged = true;
    if (this.host.onRing(handover.peer)) handover.dueAt = now + rangeForwardGraceMs;
    this.host.changed();
  }

  /** The acknowledged hand-overs not yet cleaned up, to be saved. */
  acknowledged(): SavedHandover[] {
    const saved = new Map<string, SavedHandover>();
    for (const { acknowledged, peer, range } of this.handovers.values()) {
      if (acknowledged) saved.set(`${peer}@${range.start}-${range.end}`, { peer, range });
    }
    return [...saved.values()];
  }

  /** Takes up hand-overs saved before a restart: swept a grace period from now, every key re-sent. */
  restore(saved: readonly SavedHandover[], now: number): void {
    saved.forEach(({ peer, range }, i) => {
      const handover: Handover = {
        peer,
        range,
        dirty: new Set(),
        allDirty: true,
        dueAt: this.host.onRing(peer) ? now + rangeForwardGraceMs : null,
        acknowledged: true,
        verifying: null,
        rounds: 0,
        removed: 0,
      };
      this.handovers.set(`restored#${i}`, handover);
    });
  }

  /** This node's ring now shows `peer`: its ranges are swept after the grace period. */
  joined(peer: NodeId, now: number): void {
    for (const handover of this.handovers.values()) {
      if (handover.peer === peer && handover.acknowledged && handover.dueAt === null)
        handover.dueAt = now + rangeForwardGraceMs;
    }
  }

  /** A write stored here: dirty in every handover whose range holds it. */
  stored(key: string): void {
    if (this.handovers.size === 0) return;
    const position = keyPosition(key);
    for (const handover of this.handovers.values()) {
      if (arcContains(handover.range.start, handover.range.end, position)) handover.dirty.add(key);
    }
  }

  /** True when a hand-over to a member still on the ring covers `key`: its clean-up deals with it. */
  covers(key: string): boolean {
    if (this.handovers.size === 0) return false;
    const position = keyPosition(key);
    for (const { range, peer } of this.handovers.values())
      if (arcContains(range.start, range.end, position) && this.host.onRing(peer)) return true;
    return false;
  }

  /** Forgets every handover (the node is leaving: its data goes with it). */
  abandon(): void {
    this.handovers.clear();
  }

  tick(now: number, out: NodeOutput): void {
    if (this.handovers.size === 0) return; // the usual case: runs after every step of the node
    for (const [stream, handover] of [...this.handovers]) {
      if (handover.verifying !== null && !this.host.onRing(handover.peer)) {
        // The joiner left before acknowledging the re-sent keys: keep them.
        handover.verifying = null;
        handover.rounds = cleanupRoundsMax;
        this.sweep(stream, handover, now, out);
      } else if (handover.verifying === null && handover.dueAt !== null && now >= handover.dueAt) {
        this.sweep(stream, handover, now, out);
      }
    }
  }

  nextDeadline(): number | null {
    let next: number | null = null;
    for (const handover of this.handovers.values()) {
      const due = handover.verifying === null ? handover.dueAt : null;
      if (due !== null && (next === null || due < next)) next = due;
    }
    return next;
  }

  /** Deletes what is safe to delete; re-sends the dirty rest or, after the last round, keeps it. */
  private sweep(stream: string, handover: Handover, now: number, out: NodeOutput): void {
    this.handovers.delete(stream);
    const resend: string[] = [];
    let kept = 0;
    // A peer that left since it acknowledged took its disk with it: keep every key, to be handed
    // over again to a current replica as a stray.
    const peerLeft = !this.host.onRing(handover.peer);
    for (const key of this.host.keysIn(handover.range)) {
      if (this.host.replicates(key)) continue;
      if (peerLeft || this.host.holdsHint(key)) kept++;
      else if (handover.allDirty || handover.dirty.has(key)) resend.push(key);
      else {
        this.host.remove(key);
        handover.removed++;
      }
    }
    if (resend.length > 0 && handover.rounds < cleanupRoundsMax && this.host.onRing(handover.peer)) {
      handover.dirty = new Set();
      handover.allDirty = false;
      handover.verifying = this.host.push(handover.peer, handover.range, resend, now, out);
      this.handovers.set(handover.verifying, handover);
      return;
    }
    this.host.changed();
    if (kept + resend.length > 0) this.host.kept(now);
    // A joiner pulls each range from every old replica, and all but one keep it: nothing to report.
    if (handover.removed === 0 && kept + resend.length === 0) return;
    out.events.push({
      type: 'range.cleaned',
      at: now,
      node: this.host.self,
      peer: handover.peer,
      range: handover.range,
      keysRemoved: handover.removed,
      keysKept: kept + resend.length,
      rounds: handover.rounds + 1,
    });
  }
}
