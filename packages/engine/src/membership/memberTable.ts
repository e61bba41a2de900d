/**
 * What one node believes about every other member (SPEC 1.6): the table gossip digests are merged
 * into — each member's incarnation and heartbeat, its status and since when, the ring a leaver left —
 * where the failure detector's verdicts are written, and from which members are removed after
 * T_cleanup (remembered in `removed`, tombstones.ts). It emits the table's events: joined,
 * suspected, down, alive, left, removed. membership.ts runs the protocol around it: when to gossip,
 * to whom, and what a digest holds.
 */

import { membersMax } from '../constants.ts';
import type { NodeOutput } from '../node/contract.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { MembershipEvent } from './events.ts';
import type { DetectorVerdict, FailureDetector } from './failureDetector.ts';
import { compareIncarnations } from './gossipDigest.ts';
import { leftEvent, type MemberRecord } from './memberRecord.ts';
import { type GossipEntry, ringAttributesOf } from './messages.ts';
import type { MembershipSettings } from './settings.ts';
import { Tombstones } from './tombstones.ts';

export class MemberTable {
  readonly records = new Map<NodeId, MemberRecord>();
  /** Removed members: stale gossip about them is ignored, and those removed while down are probed. */
  readonly removed = new Tombstones();

  constructor(
    private readonly self: NodeId,
    private readonly detector: FailureDetector,
    /** The membership's settings (T_cleanup, the detector's name), retimed in place. */
    private readonly settings: MembershipSettings,
    private readonly counters: { membersIgnored: number },
  ) {}

  /** Merges one entry of a digest; returns true when it admitted a member it did not know. */
  merge(entry: GossipEntry, from: NodeId, now: number, out: NodeOutput): boolean {
    const record = this.records.get(entry.id);
    if (!record) return this.admit(entry, from, now, out);
    const order = compareIncarnations(entry, record);
    if (order < 0) return false;
    if (order > 0) {
      const wasLeft = record.status === 'left';
      const restarted = entry.generation > record.generation && record.heartbeat > 0;
      record.generation = entry.generation;
      record.heartbeat = entry.heartbeat;
      record.lastGrewAt = now;
      Object.assign(record, ringAttributesOf(entry));
      if (entry.status === 'left') {
        this.markLeft(record, entry, now, out);
        return false;
      }
      if (wasLeft) {
        // A member that left came back as a new incarnation: a join, not a recovery.
        this.records.delete(entry.id);
        return this.admit(entry, from, now, out);
      }
      this.detector.heard(entry.id, now, restarted ? 'new-incarnation' : 'heartbeat');
    } else if (entry.status === 'left' && record.status !== 'left') {
      this.markLeft(record, entry, now, out);
      return false;
    }
    if (record.status !== 'left') this.detector.reported(entry.id, entry.suspects);
    return false;
  }

  private admit(entry: GossipEntry, from: NodeId, now: number, out: NodeOutput): boolean {
    // Only a member someone has heard from joins (or the sender itself, which is evidently alive):
    // a third party's entry at heartbeat 0 carries suspicions, not a member.
    if (entry.status === 'left') {
      this.departedUnknown(entry, now, out);
      return false;
    }
    if (entry.heartbeat < 1 && entry.id !== from) return false;
    if (this.removed.stale(entry.id, entry)) return false;
    if (this.records.size + 1 >= membersMax) {
      this.counters.membersIgnored++;
      return false;
    }
    this.removed.lift(entry.id);
    const { id, generation, heartbeat } = entry;
    const attributes = ringAttributesOf(entry);
    this.records.set(id, {
      id,
      generation,
      heartbeat,
      lastGrewAt: now,
      status: 'alive',
      since: now,
      ...attributes,
    });
    this.detector.track(id, now);
    this.detector.reported(id, entry.suspects);
    this.emit({ type: 'member.joined', at: now, node: this.self, member: id, via: from, ...attributes }, out);
    return true;
  }

  /** Applies the detector's verdicts, and removes members down or left for T_cleanup. */
  evaluate(now: number, out: NodeOutput): void {
    // After every step: iterates the map itself (a member removed on the way is simply passed).
    for (const record of this.records.values()) {
      if (record.status === 'down' || record.status === 'left') {
        if (now >= record.since + this.settings.cleanupTimeoutMs) this.remove(record, now, out);
        if (record.status === 'left') continue;
      }
      this.judge(record, this.detector.status(record.id, now), now, out);
    }
  }

  private judge(record: MemberRecord, verdict: DetectorVerdict, now: number, out: NodeOutput): void {
    const was = record.status;
    if (verdict === was || !this.records.has(record.id)) return;
    if (verdict === 'suspected' && was === 'down') return; // a verdict stands until the heartbeat grows
    const base = { at: now, node: this.self, member: record.id };
    const detector = this.settings.detector;
    if (verdict === 'alive') {
      this.emit({ ...base, type: 'member.alive', was: was as 'suspected' | 'down' }, out);
    } else {
      if (was === 'alive') {
        const silentForMs = this.detector.silentForMs(record.id, now);
        this.emit({ ...base, type: 'member.suspected', by: this.self, detector, silentForMs }, out);
      }
      if (verdict === 'down') {
        const reportedBy = this.detector.reporters(record.id, now);
        this.emit({ ...base, type: 'member.down', reportedBy, detector }, out);
      }
    }
    record.status = verdict;
    record.since = now;
  }

  markLeft(
    record: MemberRecord,
    entry: GossipEntry | undefined,
    now: number,
    out: NodeOutput,
    via?: NodeId,
  ): void {
    record.status = 'left';
    record.since = now;
    if (entry?.ring) record.ring = entry.ring;
    this.detector.forget(record.id);
    this.emit(leftEvent(now, this.self, record.id, record.ring, via), out);
  }

  /**
   * A member this node does not track has left: one that joined and left while this node was down
   * or cut off (T3 seed 1783: a node restarted during a decommission, and first heard of the leaver
   * when it had left). Its ring may still hold it, from before the restart, and would keep it for
   * ever, so the departure is reported once for that incarnation (ringMembership.ts follows it).
   */
  private departedUnknown(entry: GossipEntry, now: number, out: NodeOutput): void {
    if (this.removed.stale(entry.id, entry)) return;
    this.removed.bury(entry.id, entry, false);
    this.emit(leftEvent(now, this.self, entry.id, entry.ring), out);
  }

  private remove(record: MemberRecord, now: number, out: NodeOutput): void {
    this.records.delete(record.id);
    this.removed.bury(record.id, record, record.status === 'down');
    this.detector.forget(record.id);
    const was = record.status as 'down' | 'left';
    this.emit({ type: 'member.removed', at: now, node: this.self, member: record.id, was }, out);
  }

  private emit(event: MembershipEvent, out: NodeOutput): void {
    out.events.push(event);
  }
}
