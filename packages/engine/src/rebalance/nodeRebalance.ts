/**
 * Membership changes as one key-value node sees them (SPEC 1.7): the node's ring (ringMembership.ts),
 * its bootstrap or hand-over (rebalance.ts) and the range streams under them, wired to the node's
 * storage, hints and gossip through a small host. The node calls in at a few points:
 *
 *   start           a joiner pulls the ranges it gains before it gossips or serves
 *   step            streams resend, finished changes announce themselves, the ring follows gossip
 *   onStored        a write stored here is forwarded to ranges being handed over (and a key this
 *                   node does not replicate is handed to one that does)
 *   serving         what it serves meanwhile: a joiner still bootstrapping, a node that has left,
 *                   a range fenced for a joiner (serving.ts)
 *   fencedFor       a range this node hands to a joiner is not served here (rangeFences.ts)
 *
 * The ring is saved on the node's disk at every change (ringFile.ts), so a restarted node comes
 * back with the ring it had, and a node that left stays left instead of rejoining empty. A restarted
 * node also asks its ring's members for their ring (`ring-state`): who joined and who left while it
 * was down, taken in one piece (ringStateExchange.ts). Under strict quorums it serves only once its
 * ring has caught up (ringCatchUp.ts).
 *
 * After a join, the old owners delete the copies they handed over and no longer replicate
 * (rangeCleanup.ts), once the joiner acknowledged them and the forwarding grace period is over. An
 * old owner the joiner could not reach (down, paused, cut off) hands its copies over itself when it
 * next sees the ring change, or restarts (strayKeys.ts), and the same clean-up deletes them.
 *
 * Invariants: a joiner is off its own ring until every stream it pulled is done; a leaving node
 * takes itself off the ring (and announces `left`) only after every pushed batch and forwarded
 * write was acknowledged and its hints delivered; a node that has left stores no more writes.
 */

import type { KeyRange } from '../antiEntropy/ranges.ts';
import { strayCheckDelayMs } from '../constants.ts';
import { isKvError, type KvError } from '../errors.ts';
import type { NodeOutput } from '../node/contract.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { Message } from '../protocol/messages.ts';
import type { Rng } from '../random/rng.ts';
import { replicasFor } from '../ring/placement.ts';
import type { Ring } from '../ring/ring.ts';
import { earlier } from '../time/clock.ts';
import type { Version } from '../versioning/siblings.ts';
import { Leavers } from './leavers.ts';
import type { RebalanceMessage } from './messages.ts';
import { missedDepartureAsks } from './missedDepartures.ts';
import { RangeCleanup } from './rangeCleanup.ts';
import { RangeFences } from './rangeFences.ts';
import { keysInRange } from './rangeStreams.ts';
import { Rebalance, type RebalancePhase } from './rebalance.ts';
import type { NodeRebalanceHost, NodeRebalanceSettings } from './rebalanceHost.ts';
import { RebuiltAmong } from './rebuiltAmong.ts';
import { readRing, restoredEvent, type SavedRing, writeRing } from './ringFile.ts';
import { RingMembership } from './ringMembership.ts';
import { RingStateExchange } from './ringStateExchange.ts';
import { Serving } from './serving.ts';
import { sendStrays, strayHandovers } from './strayKeys.ts';

export class NodeRebalance {
  private readonly ringMembership: RingMembership;
  private readonly rebalance: Rebalance;
  private readonly cleanup: RangeCleanup;
  /** Ranges this node stopped serving for joiners its ring does not show yet. */
  private readonly fences: RangeFences;
  /** What the disk held at construction: a saved ring, none (null), or why it was unusable. */
  private readonly saved: SavedRing | null | KvError;
  private readonly joining: boolean;
  /** What this node serves while membership changes (serving.ts). */
  readonly serving: Serving;
  /** Members handing ranges to this node before they leave: what they hand over is kept. */
  private readonly leavers: Leavers;
  /** When to look for stray keys (strayKeys.ts); null when no ring change or restart asks for it. */
  private strayCheckAt: number | null = null;
  /** A restarted node's wait for a peer's ring before it trusts its own, and its peers' asking. */
  private readonly ringState: RingStateExchange;
  /** A rebuild that starts once the ring is caught up (a wiped node must pull the current ranges). */
  private rebuildDue = false;
  /** The members of the ring its last rebuild started on: their departures pull again (rebuiltAmong.ts). */
  private readonly rebuiltAmong: RebuiltAmong;
  /** A joiner's bootstrap that starts once the ring is caught up (it must pull the ranges it gains on the current ring). */
  private bootstrapDue = false;
  /** Drawn at every start: names this run's streams, and says to a joiner whether a fence outlived a restart. */
  private readonly incarnation: number;
  /** Nodes the operator said are gone for good (`nodeGone`): their late messages are ignored. */
  private readonly gone = new Set<NodeId>();

  constructor(
    private readonly host: NodeRebalanceHost,
    private readonly settings: NodeRebalanceSettings,
    rng: Rng,
  ) {
    const self = host.self;
    this.incarnation = rng.int(0x7fff_ffff);
    this.saved = readRing(host.fs, settings.virtualNodes);
    const saved = isKvError(this.saved) ? null : this.saved;
    const configured = settings.join ? settings.members.filter((m) => m.id !== self) : settings.members;
    const start = saved?.members ?? configured;
    const selfMember = settings.members.find((m) => m.id === self) ??
      start.find((m) => m.id === self) ?? { id: self };
    // A joiner whose saved ring already holds it finished its bootstrap before the restart.
    this.joining = settings.join && saved?.left !== true && !start.some((m) => m.id === self);
    this.leavers = new Leavers(self, settings.placement ?? settings.n);
    this.ringMembership = new RingMembership(
      self,
      start,
      selfMember,
      settings.virtualNodes,
      settings.placement ?? settings.n,
      (ring) => {
        host.ringChanged(ring);
        this.save();
      },
      saved?.departed,
    );
    const streamHost = {
      self: host.self,
      send: (to: NodeId, body: Message, out: NodeOutput) => host.send(to, body, out),
      read: (key: string) => host.read(key),
      apply: (key: string, versions: readonly Version[], now: number, out: NodeOutput) =>
        host.apply(key, versions, now, out),
      keysIn: (range: { start: number; end: number }) => keysInRange(host.scan(), range),
      leaving: () => this.rebalance.phase === 'decommissioning',
      heardFromLeaver: (peer: NodeId) => this.leavers.heard(peer),
      hintsPending: () => host.hintsPending(),
      rebuildDue: () => this.rebuildDue,
    };
    this.rebalance = new Rebalance(streamHost, this.incarnation, settings.placement ?? settings.n, {
      bootstrapped: (_after, now, out) => this.ringMembership.add({ id: host.self }, now, out),
      rebuilt: () => this.save(),
      handedOver: (_after, now, out) => {
        host.leave(now, out, this.ringMembership.withoutSelfMembers());
        this.rebalance.streams.settleForwards(null, now);
        this.ringMembership.remove(host.self, now, out);
        this.save();
      },
    });
    if (saved?.left) this.rebalance.restoreLeft();
    this.rebuiltAmong = new RebuiltAmong(saved?.rebuiltAmong ?? [], this.ring);
    this.fences = new RangeFences((saved?.fences ?? []).filter((f) => !this.onRing(f.peer)));
    this.cleanup = this.createCleanup(streamHost.keysIn);
    this.ringState = this.createRingStateExchange();
    this.serving = this.createServing();
  }

  /** The `ring-state` exchange of a restart (ringStateExchange.ts), wired to this node. */
  private createRingStateExchange(): RingStateExchange {
    const { host } = this;
    return new RingStateExchange(
      {
        self: host.self,
        send: (to, body, out) => host.send(to, body, out),
        heardAlive: (member) => host.heardAlive(member),
        heardAliveNow: (member) => host.memberStatus(member) === 'alive',
        departed: (member, via, now, out) => host.departed(member, via, now, out),
        joined: (member, now) => this.joinedRing(member, now),
        caughtUp: (now, out) => this.caughtUp(now, out),
        fencedFor: () => [...new Set(this.fences.list.map((f) => f.peer))],
      },
      this.ringMembership,
    );
  }

  /** What this node serves while membership changes (serving.ts), asked of its parts. */
  private createServing(): Serving {
    const { settings } = this;
    return new Serving({
      self: this.host.self,
      quorum: settings.quorum,
      placement: settings.placement ?? settings.n,
      phase: () => this.rebalance.phase,
      bootstrapDue: () => this.bootstrapDue,
      ringWaiting: () => this.ringState.waiting,
      ringWaitsForJoiner: () => this.ringState.waitsForJoiner,
      ring: () => this.ring,
      fencedFor: (key) => this.fences.fencedFor(key),
    });
  }

  /** This node's current ring. */
  get ring(): Ring {
    return this.ringMembership.ring;
  }

  /** Is `node` on this node's current ring? */
  onRing(node: NodeId): boolean {
    return this.ring.nodes.some((member) => member.id === node);
  }

  get phase(): RebalancePhase {
    return this.rebalance.phase;
  }

  /** A joiner stays silent (no gossip) until its ranges have arrived: no one routes to it before. */
  get gossips(): boolean {
    return this.rebalance.phase !== 'bootstrapping' && !this.bootstrapDue;
  }

  /**
   * The node starts: a joiner pulls every range it gains from the nodes that held it; a node whose
   * saved ring says it left announces `left` again (its new incarnation must not read as a join);
   * hand-overs saved before a restart are taken up again by the clean-up, and a decommission cut
   * short by the restart resumes. A node that lost its disk rebuilds its ranges before it answers
   * reads when its driver asks (`rebuild`: the node started without its records, under strict
   * quorums), and so does one whose rebuild a restart cut short.
   */
  start(now: number, out: NodeOutput, rebuild = false): void {
    const ringIds = this.ring.nodes.map((m) => m.id);
    const restored = restoredEvent(this.saved, this.host.self, ringIds, now);
    if (restored) out.events.push(restored);
    // Saved from the first start on, so that every restart knows it is one and asks who left.
    if (this.saved === null) this.save();
    const saved = isKvError(this.saved) ? null : this.saved;
    if (this.rebalance.phase === 'left') this.host.leave(now, out, this.ringMembership.withoutSelfMembers());
    else if (saved?.decommissioning) this.decommission(now, out, true);
    else if (saved) {
      this.cleanup.restore(saved.handovers, now);
      this.strayCheckAt = now + strayCheckDelayMs;
    }
    // A restarted node, or one that lost its disk, may have missed joins and departures meanwhile:
    // it bootstraps or rebuilds once its ring is caught up.
    const asks = (this.saved !== null || rebuild) && this.rebalance.phase !== 'left';
    if (this.joining) this.bootstrapDue = true;
    else if (this.rebalance.phase === 'serving' && (rebuild || saved?.rebuilding)) {
      this.rebuildDue = true;
      this.save();
    }
    this.ringState.start(asks, now, out, rebuild);
  }

  /**
   * The operator's `{decommission: true}`: hand every range over, then leave; below N copies only
   * when `force`d. One resumed after a restart is forced: it was accepted before.
   */
  decommission(now: number, out: NodeOutput, force = false): void {
    const leftBehind = this.ringMembership.withoutSelf();
    const refused = this.rebalance.decommission(this.ring, leftBehind, now, out, force);
    if (refused)
      out.events.push({ type: 'rebalance.refused', at: now, node: this.host.self, error: refused.message });
    else {
      this.cleanup.abandon(); // its data leaves with it: nothing to clean up
      this.save();
    }
  }

  /** Resends unanswered stream batches, finishes a change whose streams are done, cleans up. */
  tick(now: number, out: NodeOutput): void {
    this.ringState.tick(now, out);
    this.rebuildAfterDepartures(now, out);
    this.rebalance.tick(now, out);
    const serving = this.rebalance.phase === 'serving';
    if (this.strayCheckAt !== null && now >= this.strayCheckAt) {
      this.strayCheckAt = null; // a joiner has no strays yet, a leaving node hands everything over
      if (serving) this.handOverStrays(now, out);
    }
    if (serving) this.cleanup.tick(now, out);
  }

  /**
   * After the step: the ring follows joins and departures reported in `out`, and the clean-up
   * learns of the streams to joiners that opened or finished.
   */
  follow(now: number, out: NodeOutput): void {
    for (const joined of this.ringMembership.follow(now, out)) this.joinedRing(joined, now);
    this.rebuildAfterDepartures(now, out);
    const self = this.host.self;
    this.ringState.askWhoLeft(missedDepartureAsks(out.events, self, this.ring, this.host, now), out);
    for (let i = 0; i < out.events.length; i++) {
      const event = out.events[i] as (typeof out.events)[number];
      if (event.node !== self) continue;
      // A new ring may take ranges from this node, and a stream in (a leaving node's push, on its
      // own view of the ring) may bring keys of ranges this node does not hold: look for strays.
      if (event.type === 'ring.changed' || (event.type === 'stream.done' && event.direction === 'in'))
        this.strayCheckAt ??= now + strayCheckDelayMs;
      if (event.type !== 'stream.started' && event.type !== 'stream.done') continue;
      if (event.direction !== 'out') continue;
      // A leaving node's own pushes hand everything over; only a serving node cleans up after them.
      if (event.type === 'stream.started' && this.rebalance.phase === 'serving')
        this.cleanup.opened(event.stream, event.peer, event.range);
      else if (event.type === 'stream.done') this.cleanup.finished(event, now, out);
    }
  }

  /**
   * A range-streaming or ring-state message from a peer; dropped from a node gone for good: a late
   * stream or fence request of a cancelled joiner would open a stream whose forwards no one
   * acknowledges (a decommission after it never ended), or fence ranges no one lifts.
   */
  onMessage(from: NodeId, body: RebalanceMessage, now: number, out: NodeOutput): void {
    if (this.gone.has(from)) return;
    if (body.type === 'ring-state-request') this.ringState.answer(from, this.rebalance.phase === 'left', out);
    else if (body.type === 'ring-state') this.ringState.onState(from, body, now, out);
    else if (body.type === 'range-fence') {
      this.fence(from, body.ranges, now, out);
    } else if (body.type === 'range-fenced') {
      this.rebalance.onFenced(from, body.incarnation, now, out);
    } else {
      this.rebalance.streams.onMessage(from, body, now, out);
    }
  }

  /** A write this node stored: copied to every node a range holding it is being handed to. */
  onStored(key: string, siblings: readonly Version[], now: number, out: NodeOutput): void {
    this.rebalance.streams.forward(key, siblings, now, out);
    this.cleanup.stored(key);
    // A coordinator on another ring (a wiped node back on its configured one) may have stored a key
    // here that this node does not replicate: look for strays, or it would stay here for ever.
    if (this.strayCheckAt === null && this.rebalance.phase === 'serving' && !this.replicates(key))
      this.strayCheckAt = now + strayCheckDelayMs;
  }

  /**
   * The operator says `node` is gone for good: a join cancelled before it served, or a node that
   * left. Ranges fenced for it are this node's again (a node that left handed them back first),
   * streams and forwards to it stop, and its messages still on the wire are ignored (`onMessage`).
   * The drivers say it again to a node that restarts.
   */
  nodeGone(node: NodeId): void {
    this.gone.add(node);
    this.ringState.forget(node);
    this.rebalance.streams.forget(node);
    if (this.fences.lift(node)) this.save();
  }

  /** The joiner a range holding `key` is fenced for here (this node no longer serves it), or null. */
  fencedFor(key: string): NodeId | null {
    return this.fences.fencedFor(key);
  }

  nextDeadline(): number | null {
    // Asked after every step of the node: plain comparisons, nothing allocated.
    const streams = earlier(this.rebalance.streams.nextDeadline(), this.rebalance.nextDeadline());
    const ring = earlier(this.ringState.nextDeadline(), this.strayCheckAt);
    return earlier(earlier(streams, this.cleanup.nextDeadline()), ring);
  }

  /** Snapshot for the inspector. */
  snapshot(): ReturnType<Rebalance['snapshot']> & { cleanupsPending: number; fencedRanges: number } {
    return {
      ...this.rebalance.snapshot(),
      cleanupsPending: this.cleanup.pending,
      fencedRanges: this.fences.list.length,
    };
  }

  /**
   * A joiner asks this node to stop serving the ranges it takes: fenced (and saved) at once, and
   * answered once the joiner has everything this node stored in them. Writes stored since a range
   * was streamed are forwarded; but a node that restarted since (or never streamed the range) does
   * not know which, so it streams the whole range again first. The joiner asks again until answered.
   * A joiner already on this node's ring needs no fence: the ring no longer gives it those ranges.
   */
  private fence(joiner: NodeId, ranges: KeyRange[], now: number, out: NodeOutput): void {
    const { streams } = this.rebalance;
    if (!this.onRing(joiner)) {
      const added = this.fences.add(joiner, ranges);
      if (added > 0) {
        this.save();
        out.events.push({ type: 'range.fenced', at: now, node: this.host.self, peer: joiner, ranges: added });
      }
    }
    for (const range of ranges) if (!streams.forwarding(joiner, range)) streams.push(joiner, range, now, out);
    if (streams.sendingTo(joiner, ranges)) return;
    this.host.send(joiner, { type: 'range-fenced', ranges, incarnation: this.incarnation }, out);
  }

  /** Streams the stray keys this node holds to a current replica of each; the clean-up deletes them. */
  private handOverStrays(now: number, out: NodeOutput): void {
    const { host, settings } = this;
    let hinted = false;
    const keeps = (key: string) => {
      if (this.cleanup.covers(key) || this.replicates(key)) return true;
      if (!host.holdsHint(key)) return false;
      hinted = true; // a stray with a hint still to hand off: look again once it has gone
      return true;
    };
    const placement = settings.placement ?? settings.n;
    const handovers = strayHandovers(host.scan(), this.ring, placement, host.self, keeps);
    if (hinted) this.strayCheckAt = now + strayCheckDelayMs;
    sendStrays(handovers, this.rebalance.streams, host.self, now, out);
  }

  /**
   * Both views must agree that this node is not a replica of `key`: its held ranges and its
   * placement; and no member leaving hands it over to this node (leavers.ts).
   */
  private replicates(key: string): boolean {
    const placement = this.settings.placement ?? this.settings.n;
    if (this.host.replicates(key) || replicasFor(this.ring, key, placement).nodes.includes(this.host.self))
      return true;
    return this.leavers.replicatesWithout(this.ring, key);
  }

  /** Saves the ring, whether this node left, and the hand-overs still to clean up (ringFile.ts). */
  private save(): void {
    const { phase } = this.rebalance;
    const [left, decommissioning] = [phase === 'left', phase === 'decommissioning'];
    writeRing(this.host.fs, {
      members: this.ringMembership.memberList.slice(),
      left,
      decommissioning,
      rebuilding: phase === 'rebuilding' || this.rebuildDue,
      rebuiltAmong: this.rebuiltAmong.list(),
      handovers: left || decommissioning ? [] : this.cleanup.acknowledged(),
      departed: this.ringMembership.departed.slice(),
      fences: this.fences.list.slice(),
    });
  }

  /** The ring is current: a bootstrap or rebuild waiting for it starts, on that ring. */
  private caughtUp(now: number, out: NodeOutput): void {
    if (this.bootstrapDue) {
      this.bootstrapDue = false;
      this.rebalance.bootstrap(this.ring, this.ringMembership.withSelf(), now, out);
    }
    if (!this.rebuildDue) return;
    this.rebuildDue = false;
    this.rebalance.rebuild(this.ring, this.ringMembership.withoutSelf(), now, out);
    this.rebuiltAmong.started(this.ring, this.host.self);
    this.save();
  }

  /** A member the disk was rebuilt among left: what it may have handed over is pulled again. */
  private rebuildAfterDepartures(now: number, out: NodeOutput): void {
    const before = this.rebuiltAmong.departedSince(this.ring, this.rebuildDue);
    if (!before) return;
    this.rebalance.rebuildGained(before, this.ring, now, out);
    this.save();
  }

  /** `joined` is on this node's ring now: forwards to it settle, clean-ups and fences for it end. */
  private joinedRing(joined: NodeId, now: number): void {
    this.rebalance.streams.settleForwards(joined, now);
    this.cleanup.joined(joined, now);
    if (this.fences.lift(joined)) this.save(); // its ring no longer gives this node the ranges
  }

  private createCleanup(keysIn: (range: { start: number; end: number }) => string[]): RangeCleanup {
    const { host } = this;
    return new RangeCleanup({
      self: host.self,
      keysIn,
      replicates: (key) => this.replicates(key),
      holdsHint: (key) => host.holdsHint(key),
      onRing: (node) => this.onRing(node),
      remove: (key) => host.remove(key),
      push: (to, range, keys, now, out) => this.rebalance.streams.push(to, range, now, out, keys),
      kept: (now) => {
        this.strayCheckAt ??= now + strayCheckDelayMs;
      },
      changed: () => this.save(),
    });
  }
}
