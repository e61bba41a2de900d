/**
 * Gossip membership (SPEC 1.6): one node's member list, a pure state machine stepped by its node
 * with `now`, gossip digests and ticks; it sends through its host and reports events, and reads
 * randomness only from the seeded `Rng` it is given. This file runs the protocol — rounds, digests,
 * joining and leaving; the table it merges into and judges is memberTable.ts.
 *
 *   every gossipIntervalMs:  heartbeat += 1 ─▶ digest ─▶ `fanout` random live members
 *                                              (+ now and then a down one: gossipDigest.ts)
 *   digest received:         per member keep the larger (generation, heartbeat) ─▶ detector.heard
 *                            same heartbeat ─▶ detector.reported(suspects)
 *   a step after new evidence, or once a verdict is due (never before: status is a function of
 *   time between two pieces of evidence):
 *                            detector.status ─▶ suspected / down / alive events
 *                            down or left for T_cleanup ─▶ removed (and not re-admitted by stale gossip;
 *                            one removed while down is still probed: tombstones.ts)
 *
 * For each member the table keeps its id, heartbeat counter (with its incarnation, `generation`:
 * the member's start time, so a restarted node's fresh counter still wins), the local time the
 * counter last grew, its status in this node's eyes and who reported it (`reporters`).
 *
 * Join: a node starts knowing the members it was configured with (placeholders at heartbeat 0,
 * gossiped only to pass on a suspicion of them, never admitted from gossip) and sends its digest at once to its `seeds`; a node that hears of a member it
 * did not know admits it (`member.joined`) and, when the newcomer contacted it itself, answers with
 * its own digest. Entries carry ring attributes (weight, data centre; messages.ts), so a joined
 * member's place on the ring reaches every node with the join itself. Leave: the member bumps its
 * heartbeat, marks itself `left`, tells every member at once and stops gossiping; `left` then
 * spreads like any entry and is removed after T_cleanup.
 *
 * Which evidence decides "down" is the `FailureDetector`'s business (failureDetector.ts): gossip
 * agreement (default), local (Dynamo's final design: then heartbeats go to every member, since each
 * node judges only what it hears directly), or phi-accrual. Invariants: this node never suspects
 * itself; `left` is only ever set from the member's own announcement, passed on by gossip or, once
 * gossip has forgotten it, by a peer's ring (`departed`, rebalance/missedDepartures.ts); the table holds at most
 * `membersMax` members (further ones are ignored and counted); a digest never exceeds that.
 */

import { membersMax } from '../constants.ts';
import type { NodeOutput } from '../node/contract.ts';
import { compareNodeIds, type NodeId } from '../protocol/ids.ts';
import type { Message } from '../protocol/messages.ts';
import type { Rng } from '../random/rng.ts';
import type { RingMember } from '../ring/ring.ts';
import { Timeout } from '../time/clock.ts';
import { createDetector, type DetectorSettings, type FailureDetector } from './failureDetector.ts';
import { buildDigest, compareIncarnations, gossipTargets } from './gossipDigest.ts';
import { type MemberRecord, type MemberView, memberView, ownView } from './memberRecord.ts';
import { MemberTable } from './memberTable.ts';
import {
  type GossipEntry,
  type GossipMessage,
  type MemberStatus,
  type RingAttributes,
  ringAttributesOf,
} from './messages.ts';
import { rescaledSince } from './pace.ts';
import { type MembershipSettings, type MembershipTimers, membershipTimerNames } from './settings.ts';

export interface MembershipHost {
  readonly self: NodeId;
  send(to: NodeId, body: Message, out: NodeOutput): void;
}

export class Membership {
  readonly detector: FailureDetector;
  /** The detector's own copy of the settings, kept so `retime` reaches it too. */
  private readonly detectorSettings: DetectorSettings & MembershipSettings;
  readonly counters = { digestsSent: 0, digestsReceived: 0, membersIgnored: 0, generationsOutlived: 0 };
  /** What this node believes about every other member (memberTable.ts); `members` is its rows. */
  private readonly table: MemberTable;
  private readonly members: Map<NodeId, MemberRecord>;
  private readonly gossipTimer: Timeout;
  private generation = 0;
  private heartbeat = 0;
  private started = false;
  /**
   * The members' next verdict or cleanup time as last computed (null: none), or undefined once
   * evidence, the members or their statuses changed. Until then `status` is a function of time alone
   * (failureDetector.ts), so before that time a step's `evaluate` would change nothing.
   */
  private quietUntil: number | null | undefined;
  private left = false;
  /** The ring this node left (without it), announced with its `left` entry. */
  private leftRing: RingMember[] | undefined;

  constructor(
    private readonly host: MembershipHost,
    private readonly known: readonly NodeId[],
    private readonly settings: MembershipSettings,
    private readonly rng: Rng,
    /** This node's own ring attributes, announced in its entry of every digest. */
    private readonly attributes: RingAttributes = {},
  ) {
    this.detectorSettings = { self: host.self, ...settings };
    this.detector = createDetector(settings.detector, this.detectorSettings);
    this.table = new MemberTable(host.self, this.detector, settings, this.counters);
    this.members = this.table.records;
    this.gossipTimer = new Timeout('gossip', settings.gossipIntervalMs);
  }

  /**
   * Changes the gossip timers while the node runs: the lab slows its links down to a visible speed
   * and scales the gossip interval, `T_fail` and `T_cleanup` with them, so a slow network is not
   * mistaken for a dead one. The next round is scheduled with the new interval. A new gossip
   * interval is a new pace: silences measured so far are rescaled by the same factor (pace.ts).
   */
  retime(timers: MembershipTimers, now: number): void {
    const interval = timers.gossipIntervalMs;
    const factor = interval === undefined ? 1 : interval / this.settings.gossipIntervalMs;
    if (factor !== 1) this.rescale(now, factor);
    for (const name of membershipTimerNames) {
      const ms = timers[name];
      if (ms === undefined) continue;
      this.settings[name] = ms;
      this.detectorSettings[name] = ms;
    }
    this.gossipTimer.periodMs = this.settings.gossipIntervalMs;
    this.quietUntil = undefined;
  }

  get self(): NodeId {
    return this.host.self;
  }

  private rescale(now: number, factor: number): void {
    this.detector.rescale(now, factor);
    for (const record of this.members.values()) {
      if (record.id === this.self) continue;
      record.lastGrewAt = rescaledSince(record.lastGrewAt, now, factor);
      record.since = rescaledSince(record.since, now, factor);
    }
  }

  /** Takes up the configured members, announces this node to its seeds, schedules the first round. */
  start(now: number, out: NodeOutput): void {
    if (this.started) return;
    this.started = true;
    this.quietUntil = undefined;
    this.generation = now;
    for (const id of this.known) {
      if (id === this.self || this.members.has(id)) continue;
      this.members.set(id, { id, generation: 0, heartbeat: 0, lastGrewAt: now, status: 'alive', since: now });
      this.detector.track(id, now);
    }
    const seeds = others(this.settings.seeds, this.self);
    if (seeds.length > 0) {
      this.heartbeat++;
      this.sendDigest(seeds, false, now, out);
    }
    // Jittered, so that nodes started together do not gossip in lockstep.
    this.gossipTimer.start(now, this.rng.int(Math.max(1, Math.floor(this.settings.gossipIntervalMs))));
  }

  tick(now: number, out: NodeOutput): void {
    this.start(now, out);
    if (this.gossipTimer.fired(now)) {
      this.gossipRound(now, out);
      this.gossipTimer.start(now);
    }
    if (this.verdictsDue(now)) this.evaluate(now, out);
  }

  onGossip(from: NodeId, message: GossipMessage, now: number, out: NodeOutput): void {
    this.start(now, out);
    this.quietUntil = undefined;
    this.counters.digestsReceived++;
    let senderIsNew = false;
    for (const entry of message.members) {
      if (entry.id === this.self) {
        this.outlive(entry);
        continue;
      }
      const admitted = this.table.merge(entry, from, now, out);
      if (admitted && entry.id === from) senderIsNew = true;
    }
    // A newcomer learns the cluster from the answer, not only from the next random round.
    if (senderIsNew && !message.reply && !this.left) this.sendDigest([from], true, now, out);
    this.evaluate(now, out);
  }

  /**
   * A peer holds an incarnation of this node newer than its own (it restarted with its clock set
   * back): peers would ignore it for ever, so it takes a generation past that one (SWIM's refutation).
   */
  private outlive(entry: GossipEntry): void {
    if (compareIncarnations(entry, { generation: this.generation, heartbeat: this.heartbeat }) <= 0) return;
    this.generation = entry.generation + 1;
    this.counters.generationsOutlived++;
  }

  /** Any message from `member` reached this node: direct evidence (the local detector's kind). */
  heardFrom(member: NodeId, now: number): void {
    if (!this.detector.takesDirectEvidence) return;
    const record = this.members.get(member);
    if (record && record.status !== 'left') this.detector.heard(member, now, 'direct');
    this.quietUntil = undefined;
  }

  /** A request to `member` went unanswered (the coordinator may report it; the local detector convicts). */
  unanswered(member: NodeId, now: number, out: NodeOutput): void {
    this.start(now, out);
    if (this.members.has(member)) this.detector.unanswered(member, now);
    this.quietUntil = undefined;
    this.evaluate(now, out);
  }

  /**
   * Leaves the cluster: announces `left` to every member at once, and again every gossip round for
   * as long as it runs, since a node cut off when it left would otherwise stay on its peers' rings
   * for ever (T3 seed 2 with N=5: a decommission finished while partitioned, its one announcement was
   * lost, and a range it gave back never reached its new replica). It no longer gossips of others.
   */
  leave(now: number, out: NodeOutput, ring?: readonly RingMember[]): void {
    this.start(now, out);
    if (this.left) return;
    this.left = true;
    if (ring) this.leftRing = ring.slice(0, membersMax);
    this.quietUntil = undefined;
    this.heartbeat++;
    this.announceLeft(now, out);
  }

  /**
   * A peer's ring says `member` left, news this node's gossip missed (rebalance/missedDepartures.ts):
   * its record ends as a departure, so it is no longer suspected, gossiped of, or waited for.
   */
  departed(member: NodeId, via: NodeId, now: number, out: NodeOutput): void {
    const record = this.members.get(member);
    if (record && record.status !== 'left') this.table.markLeft(record, undefined, now, out, via);
    this.table.removed.departed(member);
  }

  private announceLeft(now: number, out: NodeOutput): void {
    const everyone = [...this.members.values()].filter((m) => m.status !== 'left').map((m) => m.id);
    this.sendDigest(everyone, false, now, out);
  }

  /** Not believed failed: alive or merely suspected (a suspicion is not a verdict). */
  isAlive(member: NodeId): boolean {
    if (member === this.self) return !this.left;
    const status = this.members.get(member)?.status;
    return status === 'alive' || status === 'suspected';
  }

  /** Every member this node believes alive, itself included, in a stable order. */
  liveMembers(): NodeId[] {
    const live = [...this.members.keys()].filter((id) => this.isAlive(id));
    if (!this.left) live.push(this.self);
    return live.sort(compareNodeIds);
  }

  statusOf(member: NodeId): MemberStatus | 'unknown' {
    if (member === this.self) return this.left ? 'left' : 'alive';
    return this.members.get(member)?.status ?? 'unknown';
  }

  /** Has gossip reported `member` alive since this node started (and not left)? It is a member now. */
  heardAlive(member: NodeId): boolean {
    const record = this.members.get(member);
    return record !== undefined && record.heartbeat > 0 && record.status !== 'left';
  }

  /**
   * Could `member` have left without this node hearing of it? When gossip no longer tracks it, or
   * it has been silent for longer than a departure is announced (T_cleanup; missedDepartures.ts).
   */
  mayHaveLeftUnseen(member: NodeId, now: number): boolean {
    if (member === this.self) return false;
    const record = this.members.get(member);
    if (!record) return true;
    return record.status !== 'left' && now - record.lastGrewAt >= this.settings.cleanupTimeoutMs;
  }

  /** The earliest time something changes without new input: a gossip round, a verdict, a cleanup. */
  nextDeadline(now: number): number | null {
    const next = this.gossipTimer.deadlineAt;
    // (`verdictsDue` covers undefined; the second test only narrows the type.)
    const quiet =
      this.verdictsDue(now) || this.quietUntil === undefined ? this.nextChange(now) : this.quietUntil;
    return next === null || (quiet !== null && quiet < next) ? quiet : next;
  }

  /** Evidence changed since the last verdict pass, or a verdict or cleanup is due by `now`. */
  private verdictsDue(now: number): boolean {
    return this.quietUntil === undefined || (this.quietUntil !== null && now >= this.quietUntil);
  }

  /** The members' next verdict or cleanup time after `now` (remembered in `quietUntil`). */
  private nextChange(now: number): number | null {
    // Runs after a step that changed evidence: a plain loop, no closure per call.
    let next: number | null = null;
    for (const record of this.members.values()) {
      const at =
        record.status === 'down' || record.status === 'left'
          ? record.since + this.settings.cleanupTimeoutMs
          : this.detector.nextChangeAt(record.id, now);
      if (at !== null && at > now && (next === null || at < next)) next = at;
    }
    this.quietUntil = next;
    return next;
  }

  snapshot(now: number): MemberView[] {
    const self = ownView(this.self, this.generation, this.heartbeat, this.left, now);
    const rows = [...this.members.values()].map((record) => memberView(this.detector, record, now));
    return [self, ...rows].sort((a, b) => compareNodeIds(a.id, b.id));
  }

  // ── gossip ──────────────────────────────────────────────────────────────────────────────────

  private gossipRound(now: number, out: NodeOutput): void {
    if (this.left) {
      this.announceLeft(now, out);
      return;
    }
    this.heartbeat++;
    this.sendDigest(
      gossipTargets(
        this.members.values(),
        this.table.removed.unreachable(),
        this.settings,
        this.rng,
        this.self,
      ),
      false,
      now,
      out,
    );
  }

  private sendDigest(to: readonly NodeId[], reply: boolean, now: number, out: NodeOutput): void {
    if (to.length === 0) return;
    const body: GossipMessage = { type: 'gossip', members: this.digest(now), reply };
    for (const target of to) {
      this.counters.digestsSent++;
      this.host.send(target, body, out);
    }
  }

  private digest(now: number): GossipEntry[] {
    const own: GossipEntry = {
      id: this.self,
      generation: this.generation,
      heartbeat: this.heartbeat,
      status: this.left ? 'left' : 'alive',
      suspects: [],
      ...ringAttributesOf(this.attributes),
    };
    if (this.left && this.leftRing) own.ring = this.leftRing;
    return this.left ? [own] : buildDigest(own, this.members.values(), this.detector, now);
  }

  private evaluate(now: number, out: NodeOutput): void {
    this.quietUntil = undefined;
    this.table.evaluate(now, out);
  }
}

/**
 * `ids` without `self`. A helper, not an arrow inside `start`: an arrow there would make V8 build
 * `start`'s closure context on every call, and every step calls `start` (it returns at once).
 */
function others(ids: readonly NodeId[], self: NodeId): NodeId[] {
  return ids.filter((id) => id !== self);
}
