/**
 * Membership changes of one node (SPEC 1.7, Dynamo §4.9): bootstrapping when it joins and handing
 * its ranges over when it is decommissioned, on top of the range streams (rangeStreams.ts).
 *
 *   join:          ranges it gains (rangeMoves(before, after)) ─▶ pull each from every node that
 *                  held it before ─▶ all streams done ─▶ every node that loses a range fences it
 *                  (rangeFences.ts) ─▶ serve: adopt `after`, announce by gossip
 *   decommission:  ranges it loses ─▶ push each to every node that gains it ─▶ all done and no
 *                  hint left to deliver ─▶ announce leave, refuse further writes
 *   rebuild:       a node that lost its disk ─▶ pull every range it replicates from the other
 *                  replicas ─▶ all done ─▶ answer reads again (it takes writes throughout)
 *
 * The safety rule (no acknowledged write lost while ranges move):
 * - a joiner is unknown to every coordinator until it announces itself, so until its streams are
 *   done every request uses the old owners only; it pulls from *every* old replica of a range, so
 *   the union it receives holds every write acknowledged by any W of them, even with W = 1;
 * - a leaving node stays a full replica while it pushes, and only announces `left` (after which it
 *   refuses writes with ok:false, so no later acknowledgement can depend on it) once every pushed
 *   batch was acknowledged durable by its receiver;
 * - a write stored on a sender after its stream's snapshot is forwarded to the receiver
 *   (`stream-forward`) until `rangeForwardGraceMs` after the sender's ring shows the change;
 * - a joiner serves only once every node that loses a range to it has stopped serving that range
 *   and has had every write it forwarded there acknowledged (fresh reads: rangeFences.ts).
 */

import type { KeyRange } from '../antiEntropy/ranges.ts';
import { type KvError, kvError } from '../errors.ts';
import type { NodeOutput } from '../node/contract.ts';
import type { NodeId } from '../protocol/ids.ts';
import { type Placement, replicationShortfall } from '../ring/placement.ts';
import { type RangeMove, rangeMoves } from '../ring/rangeMoves.ts';
import type { Ring } from '../ring/ring.ts';
import type { StreamResult } from './events.ts';
import { FenceRequests } from './rangeFences.ts';
import { RangeStreams, type StreamHost } from './rangeStreams.ts';

export type RebalancePhase = 'serving' | 'bootstrapping' | 'rebuilding' | 'decommissioning' | 'left';

export interface RebalanceHost extends StreamHost {
  /** Hints this node still holds for others: a leaving node delivers them before it goes. */
  hintsPending(): number;
  /** It lost its disk and rebuilds once its ring has caught up: it has nothing to hand over yet. */
  rebuildDue(): boolean;
}

export interface RebalanceCallbacks {
  /** The joiner has every range it gains: it may adopt `after` and announce itself. */
  bootstrapped(after: Ring, now: number, out: NodeOutput): void;
  /** The leaving node has handed everything over: it may announce its departure. */
  handedOver(after: Ring, now: number, out: NodeOutput): void;
  /** The node that lost its disk has its ranges back: it answers reads again. */
  rebuilt(now: number, out: NodeOutput): void;
}

interface Change {
  kind: 'bootstrap' | 'rebuild' | 'decommission';
  after: Ring;
  waiting: Set<string>;
  /** A join's losers still to fence the ranges they hand over (asked once every pull is done). */
  fences: FenceRequests | null;
  streams: number;
  keys: number;
  bytes: number;
  startedAt: number;
}

export class Rebalance {
  readonly streams: RangeStreams;
  private current: Change | null = null;
  private state: RebalancePhase = 'serving';

  constructor(
    private readonly host: RebalanceHost,
    incarnation: number,
    /** N, or N per data centre: which ranges move with a membership change. */
    private readonly placement: Placement,
    private readonly callbacks: RebalanceCallbacks,
  ) {
    this.streams = new RangeStreams(host, incarnation, (result, now, out) => this.onStream(result, now, out));
  }

  get phase(): RebalancePhase {
    return this.state;
  }

  /** A node that had left before it restarted (its saved ring says so) stays left. */
  restoreLeft(): void {
    this.current = null;
    this.state = 'left';
  }

  /** Streams in every range this node gains from `before` to `after`, from each of its old holders. */
  bootstrap(before: Ring, after: Ring, now: number, out: NodeOutput): void {
    const self = this.host.self;
    const change = this.begin('bootstrap', after, now);
    this.state = 'bootstrapping';
    const losers = new Map<NodeId, KeyRange[]>();
    for (const move of this.moves(before, after, (m) => m.gained.includes(self))) {
      for (const source of move.before) {
        if (source !== self) change.waiting.add(this.streams.pull(source, rangeOf(move), now, out));
      }
      for (const loser of move.lost) losers.set(loser, [...(losers.get(loser) ?? []), rangeOf(move)]);
    }
    change.fences = new FenceRequests(losers);
    this.progress(now, out);
  }

  /**
   * A node that lost its disk (it started without its records, not for the first time) pulls every
   * range it replicates on `ring` from the other replicas before it answers reads again: until
   * then its empty copy could hide writes the others acknowledged, as a read quorum's only copy.
   * It stores and acknowledges writes meanwhile: what it stores is there.
   */
  rebuild(ring: Ring, without: Ring, now: number, out: NodeOutput): void {
    const change = this.begin('rebuild', ring, now);
    this.state = 'rebuilding';
    this.pullGained(change, this.gained(without, ring), now, out);
  }

  /**
   * A member this node's disk was rebuilt among has left (`before` → `after`): it may have handed
   * this node ranges before the disk was lost, and that copy is gone with it. So the ranges this
   * node gains are pulled from their other replicas, as a rebuild (no reads until they are in):
   * added to the rebuild under way, or a new one. Nothing while joining, leaving or left.
   */
  rebuildGained(before: Ring, after: Ring, now: number, out: NodeOutput): void {
    const gains = this.gained(before, after);
    if (gains.length === 0) return;
    if (this.state === 'serving') {
      this.state = 'rebuilding';
      this.pullGained(this.begin('rebuild', after, now), gains, now, out);
    } else if (this.state === 'rebuilding' && this.current?.kind === 'rebuild')
      this.pullGained(this.current, gains, now, out);
  }

  /** The ranges this node gains from `before` to `after`. */
  private gained(before: Ring, after: Ring): RangeMove[] {
    return this.moves(before, after, (m) => m.gained.includes(this.host.self));
  }

  /** Pulls each of `moves` from the range's other replicas after the move. */
  private pullGained(change: Change, moves: RangeMove[], now: number, out: NodeOutput): void {
    const self = this.host.self;
    const from = new Set<NodeId>();
    for (const move of moves) {
      for (const source of move.after) {
        if (source === self) continue;
        from.add(source);
        change.waiting.add(this.streams.pull(source, rangeOf(move), now, out));
      }
    }
    out.events.push({ type: 'rebuild.started', at: now, node: self, ranges: moves.length, from: [...from] });
    this.progress(now, out);
  }

  /**
   * Streams out every range this node loses to each node that gains it, then leaves. Refused when
   * the ring left behind could not keep N copies of every key (N_dc in a data centre), unless
   * `force`d (Cassandra refuses a decommission below the replication factor the same way).
   */
  decommission(before: Ring, after: Ring, now: number, out: NodeOutput, force = false): KvError | null {
    const rebuildDue = this.host.rebuildDue();
    if (this.state !== 'serving' || rebuildDue) {
      const busy = rebuildDue ? 'waiting to rebuild its ranges (it lost its disk)' : this.state;
      return kvError('KV_INVALID_ARGUMENT', `${this.host.self} cannot be decommissioned while ${busy}`);
    }
    if (after.nodes.length === 0) {
      return kvError(
        'KV_INVALID_ARGUMENT',
        `${this.host.self} is the last node; it cannot hand its data to anyone`,
      );
    }
    const shortfall = force ? null : replicationShortfall(after, this.placement);
    if (shortfall) {
      return kvError(
        'KV_INVALID_ARGUMENT',
        `${this.host.self} cannot be decommissioned: it would leave ${shortfall} of every key (force it to accept that)`,
      );
    }
    const self = this.host.self;
    const change = this.begin('decommission', after, now);
    this.state = 'decommissioning';
    for (const move of this.moves(before, after, (m) => m.lost.includes(self))) {
      for (const target of move.gained)
        change.waiting.add(this.streams.push(target, rangeOf(move), now, out));
    }
    this.progress(now, out);
    return null;
  }

  tick(now: number, out: NodeOutput): void {
    this.streams.tick(now, out);
    this.progress(now, out);
  }

  /** A loser's incarnation fenced the ranges this joiner takes from it (rangeFences.ts). */
  onFenced(from: NodeId, incarnation: number, now: number, out: NodeOutput): void {
    if (this.current?.fences?.fenced(from, incarnation, now)) this.progress(now, out);
  }

  /** When a fence request is due again (null: none awaited). */
  nextDeadline(): number | null {
    const change = this.current;
    return change && change.waiting.size === 0 ? (change.fences?.nextDeadline() ?? null) : null;
  }

  /** Snapshot for the inspector. */
  snapshot(): {
    phase: RebalancePhase;
    waiting: number;
    openStreams: number;
    forwardsUnackedTo: NodeId[];
  } {
    return {
      phase: this.state,
      waiting: this.current?.waiting.size ?? 0,
      openStreams: this.streams.openStreams,
      // What a leaving node still waits for besides its streams and hints: forwards, by receiver.
      forwardsUnackedTo: this.streams.unackedReceivers(),
    };
  }

  private begin(kind: Change['kind'], after: Ring, now: number): Change {
    this.current = {
      kind,
      after,
      waiting: new Set(),
      fences: null,
      streams: 0,
      keys: 0,
      bytes: 0,
      startedAt: now,
    };
    return this.current;
  }

  private moves(before: Ring, after: Ring, mine: (move: RangeMove) => boolean): RangeMove[] {
    return rangeMoves(before, after, this.placement).filter(mine);
  }

  private onStream(result: StreamResult, now: number, out: NodeOutput): void {
    const change = this.current;
    if (!change?.waiting.delete(result.stream)) return;
    change.streams++;
    change.keys += result.keys;
    change.bytes += result.bytes;
    this.progress(now, out);
  }

  /** Finishes the change once its streams are done (and, when leaving, its hints delivered). */
  private progress(now: number, out: NodeOutput): void {
    const change = this.current;
    if (!change || change.waiting.size > 0) return;
    // A joiner serves only once its losers stopped serving what it takes (rangeFences.ts).
    if (change.fences && !change.fences.done) {
      change.fences.ask(now, out, (to, ranges, o) => this.host.send(to, { type: 'range-fence', ranges }, o));
      return;
    }
    // A leaving node also waits until its hints are delivered and its forwarded writes acknowledged.
    if (change.kind === 'decommission' && (this.host.hintsPending() > 0 || this.streams.forwardsUnacked > 0))
      return;
    this.current = null;
    this.state = change.kind === 'decommission' ? 'left' : 'serving';
    const { kind, streams, keys, bytes } = change;
    const ms = now - change.startedAt;
    out.events.push({
      type: 'rebalance.finished',
      at: now,
      node: this.host.self,
      kind,
      streams,
      keys,
      bytes,
      ms,
    });
    if (kind === 'bootstrap') this.callbacks.bootstrapped(change.after, now, out);
    else if (kind === 'rebuild') this.callbacks.rebuilt(now, out);
    else this.callbacks.handedOver(change.after, now, out);
  }
}

function rangeOf(move: RangeMove): KeyRange {
  return { start: move.start, end: move.end };
}
