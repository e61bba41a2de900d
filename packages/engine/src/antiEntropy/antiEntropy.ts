/**
 * Anti-entropy for one node (SPEC 1.6, Dynamo §4.7): a Merkle tree per key range it replicates,
 * kept current on every write, and exchanges with the other replicas of each range that copy the
 * newer versions both ways — in the background every `intervalMs`, and on demand (`trigger`).
 *
 * Sans-I/O like the rest of the engine: the node embeds it and hands it `now` and its output; a
 * small host interface gives it the node's versions and a way to send. The responder side is
 * stateless (it answers each message from its tree); the initiator keeps a session per exchange to
 * count the traffic, time it out and report it (`antientropy.done`).
 *
 *   node.step ─▶ onWrite(key, siblings)     every stored change (trees stay current: O(depth))
 *             ─▶ onMessage(from, body)       merkle-* messages
 *             ─▶ tick(now)                   rounds, queued exchanges, timeouts;  nextDeadline() → wakeAt
 *   lab/runner ─▶ trigger(now, out, peer?)   compare every range now
 *
 * Rounds: each pair of replicas of a range is compared from one side only (the lower node id), so
 * a round costs one exchange per (range, pair) — two small messages when they agree. At most
 * `exchangesMax` run at once; the rest wait in a queue bounded by ranges × peers. An exchange that
 * repaired keys but had to leave some out (message limits) is continued at once. Background
 * exchanges leave out peers the failure detector holds down, also one found down while they wait.
 */

import {
  antiEntropyExchangesMax,
  antiEntropyExchangeTimeoutMs,
  antiEntropyIntervalMs,
  antiEntropyVersionsBytesMax,
  merkleBucketKeysMax,
  merkleFrontierNodesMax,
  merkleLeafDepthDefault,
} from '../constants.ts';
import { isKvError, type KvError, kvError } from '../errors.ts';
import type { NodeOutput } from '../node/contract.ts';
import { compareNodeIds, type NodeId } from '../protocol/ids.ts';
import type { ApplyResult } from '../replication/replicaStore.ts';
import { keyPosition, type Ring, tokenIndexAt } from '../ring/ring.ts';
import { encodeSiblings, type Version } from '../versioning/siblings.ts';
import type { AntiEntropyOutcome, AntiEntropyTrigger } from './events.ts';
import { type ExchangeOwner, ExchangeSteps } from './exchange.ts';
import { MerkleTree, versionDigest } from './merkleTree.ts';
import type { AntiEntropyMessage } from './messages.ts';
import { type KeyRange, type Placement, type ReplicatedRange, rangeId, replicatedRanges } from './ranges.ts';

/** What anti-entropy needs of its node. */
export interface AntiEntropyHost {
  readonly self: NodeId;
  send(to: NodeId, body: AntiEntropyMessage, out: NodeOutput): void;
  /** The stored versions of a key (none for a key never written). */
  read(key: string): Version[] | KvError;
  /**
   * Merges versions into the store (`syncSiblings`), as a replica write: the node syncs before its
   * output leaves and records the change. Anti-entropy updates its own tree from the result; the
   * host may call `onWrite` for it too (it is idempotent).
   */
  apply(key: string, versions: readonly Version[], now: number, out: NodeOutput): ApplyResult | KvError;
  /** Every stored key with its versions: read once to build the trees (at start and on a ring change). */
  entries(): Iterable<[string, Version[] | KvError]>;
  /** Whether a peer is worth a background exchange now (the failure detector's view); all are when absent. */
  isReachable?(peer: NodeId): boolean;
}

export interface AntiEntropySettings {
  ring: Ring;
  /** N, or N per data centre: which ranges this node replicates and with whom. */
  placement: Placement;
  leafDepth?: number;
  /** Background rounds every this many ms; 0 turns them off (exchanges then run only on demand). */
  intervalMs?: number;
  exchangeTimeoutMs?: number;
  exchangesMax?: number;
  bucketKeysMax?: number;
  frontierNodesMax?: number;
  versionsBytesMax?: number;
}

/** An exchange this node started. */
export interface AntiEntropySession {
  exchange: string;
  peer: NodeId;
  range: ReplicatedRange;
  trigger: AntiEntropyTrigger;
  startedAt: number;
  lastHeardAt: number;
  messages: number;
  bytes: number;
  /** Keys whose versions travelled, either way. */
  keys: Set<string>;
  /** Some differences were left out by a message limit: continue once this one ends. */
  partial: boolean;
  /** Keys that travelled in the earlier exchanges of a continued repair. */
  travelled: ReadonlySet<string>;
}

/** A range this node replicates, with its tree. */
interface HeldRange {
  range: ReplicatedRange;
  tree: MerkleTree;
}

interface Queued {
  peer: NodeId;
  range: string;
  trigger: AntiEntropyTrigger;
  /** For a continuation: the keys that travelled earlier in its chain. */
  travelled?: ReadonlySet<string>;
}

export interface AntiEntropyTotals {
  exchanges: number;
  messages: number;
  bytes: number;
  keysRepaired: number;
}

export interface AntiEntropySnapshot {
  /** `root` is null while the range's latest writes wait to be digested (the next exchange does it). */
  ranges: { range: KeyRange; peers: readonly NodeId[]; root: string | null; keys: number }[];
  inFlight: { exchange: string; peer: NodeId; range: KeyRange; messages: number; bytes: number }[];
  queued: number;
  totals: AntiEntropyTotals;
}

export class AntiEntropy implements ExchangeOwner {
  private ring: Ring;
  private placement: Placement;
  private readonly leafDepth: number;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly exchangesMax: number;
  private readonly steps: ExchangeSteps;
  private held = new Map<string, HeldRange>();
  /** Per token index: its range and tree when this node holds it (every write looks one up). */
  private heldByToken: (HeldRange | undefined)[] = [];
  private readonly sessions = new Map<string, AntiEntropySession>();
  private queue: Queued[] = [];
  private nextSequence = 1;
  private nextRoundAt: number | null = null;
  readonly totals: AntiEntropyTotals = { exchanges: 0, messages: 0, bytes: 0, keysRepaired: 0 };

  constructor(
    private readonly host: AntiEntropyHost,
    settings: AntiEntropySettings,
  ) {
    this.ring = settings.ring;
    this.placement = settings.placement;
    this.leafDepth = settings.leafDepth ?? merkleLeafDepthDefault;
    this.intervalMs = settings.intervalMs ?? antiEntropyIntervalMs;
    this.timeoutMs = settings.exchangeTimeoutMs ?? antiEntropyExchangeTimeoutMs;
    this.exchangesMax = settings.exchangesMax ?? antiEntropyExchangesMax;
    this.steps = new ExchangeSteps(host, this, {
      bucketKeysMax: settings.bucketKeysMax ?? merkleBucketKeysMax,
      frontierNodesMax: settings.frontierNodesMax ?? merkleFrontierNodesMax,
      versionsBytesMax: settings.versionsBytesMax ?? antiEntropyVersionsBytesMax,
    });
    this.rebuild();
  }

  /**
   * Adopts a new ring (a membership change): recomputes the ranges and rebuilds their trees with
   * one scan of the store. Exchanges in flight are abandoned without a `done` (their peers keep no
   * state; late answers are ignored).
   */
  setRing(ring: Ring, placement: Placement = this.placement): void {
    this.ring = ring;
    this.placement = placement;
    this.sessions.clear();
    this.queue = [];
    this.rebuild();
  }

  /** The ranges this node replicates, in token order. */
  ranges(): ReplicatedRange[] {
    return [...this.held.values()].map((h) => h.range);
  }

  /** The tree of a range this node replicates. */
  tree(range: KeyRange): MerkleTree | undefined {
    return this.held.get(rangeId(range))?.tree;
  }

  /** A range this node replicates, as it holds it, with its tree. */
  replica(range: KeyRange): { range: ReplicatedRange; tree: MerkleTree } | undefined {
    return this.held.get(rangeId(range));
  }

  /** The held range and tree a key falls in, if any. */
  heldOf(key: string): { range: ReplicatedRange; tree: MerkleTree } | undefined {
    if (this.ring.positions.length === 0) return undefined;
    return this.heldByToken[tokenIndexAt(this.ring, keyPosition(key))];
  }

  /** Keeps the trees current: call with a key's versions after every change to them. */
  onWrite(key: string, siblings: readonly Version[], encoded?: Uint8Array): void {
    const held = this.heldOf(key);
    if (held === undefined) return;
    // The store already encoded the set; the tree digests those bytes when it is next read.
    held.tree.updateLater(key, siblings.length === 0 ? null : (encoded ?? encodeSiblings(siblings)));
  }

  get inFlight(): number {
    return this.sessions.size;
  }

  session(exchange: string): AntiEntropySession | undefined {
    return this.sessions.get(exchange);
  }

  /**
   * Starts an exchange of `range` with `peer` now. Refused (KV_INVALID_ARGUMENT) when this node
   * does not replicate the range, the peer does not either, or the two are being compared already.
   */
  start(
    peer: NodeId,
    range: KeyRange,
    now: number,
    out: NodeOutput,
    trigger: AntiEntropyTrigger = 'manual',
    travelled?: ReadonlySet<string>,
  ): string | KvError {
    const held = this.held.get(rangeId(range));
    if (!held)
      return kvError('KV_INVALID_ARGUMENT', `${this.host.self} does not replicate range ${rangeId(range)}`);
    if (!held.range.peers.includes(peer)) {
      return kvError('KV_INVALID_ARGUMENT', `${peer} is not a replica of range ${rangeId(range)}`);
    }
    if (this.active(peer, rangeId(range))) {
      return kvError('KV_INVALID_ARGUMENT', `range ${rangeId(range)} is already being compared with ${peer}`);
    }
    const exchange = `${this.host.self}#${this.nextSequence++}`;
    const session: AntiEntropySession = {
      exchange,
      peer,
      range: held.range,
      trigger,
      startedAt: now,
      lastHeardAt: now,
      messages: 0,
      bytes: 0,
      keys: new Set(),
      partial: false,
      travelled: travelled ?? new Set(),
    };
    this.sessions.set(exchange, session);
    out.events.push({
      type: 'antientropy.started',
      at: now,
      node: this.host.self,
      exchange,
      peer,
      range: { start: range.start, end: range.end },
      trigger,
    });
    this.steps.open(session, held.tree, now, out);
    return exchange;
  }

  /**
   * Queues an exchange of every range with every peer that shares it (or with `peer` only), both
   * directions of each pair, and starts as many as may run at once. Returns how many were queued.
   */
  trigger(now: number, out: NodeOutput, peer?: NodeId): number {
    let queued = 0;
    for (const { range } of this.held.values()) {
      for (const p of range.peers) {
        if (peer !== undefined && p !== peer) continue;
        if (this.enqueue({ peer: p, range: rangeId(range), trigger: 'manual' })) queued++;
      }
    }
    this.startQueued(now, out);
    return queued;
  }

  onMessage(from: NodeId, body: AntiEntropyMessage, now: number, out: NodeOutput): void {
    this.steps.onMessage(from, body, now, out);
  }

  /** Timeouts, background rounds and queued exchanges. Call on every step. */
  tick(now: number, out: NodeOutput): void {
    // Runs after every step of the node: copy the sessions only when there are some.
    for (const session of this.sessions.size === 0 ? [] : [...this.sessions.values()]) {
      // The same sum as nextDeadline(): `now - lastHeardAt >= timeoutMs` can round the other way
      // and leave a node woken at its deadline for ever.
      if (now >= session.lastHeardAt + this.timeoutMs) this.finish(session, 'timed-out', now, out);
    }
    if (this.intervalMs > 0) {
      if (this.nextRoundAt === null) this.nextRoundAt = now + this.intervalMs;
      else if (now >= this.nextRoundAt) {
        this.enqueueRound();
        this.nextRoundAt = now + this.intervalMs;
      }
    }
    this.startQueued(now, out);
  }

  /** The earliest time `tick` has work: the next round or the next session timeout. */
  nextDeadline(): number | null {
    let next = this.nextRoundAt;
    for (const session of this.sessions.values()) {
      const deadline = session.lastHeardAt + this.timeoutMs;
      if (next === null || deadline < next) next = deadline;
    }
    return next;
  }

  snapshot(): AntiEntropySnapshot {
    return {
      ranges: [...this.held.values()].map(({ range, tree }) => ({
        range: { start: range.start, end: range.end },
        peers: range.peers,
        root: tree.settledRoot(), // a snapshot (the lab polls them) never pays for digesting
        keys: tree.size,
      })),
      inFlight: [...this.sessions.values()].map((s) => ({
        exchange: s.exchange,
        peer: s.peer,
        range: { start: s.range.start, end: s.range.end },
        messages: s.messages,
        bytes: s.bytes,
      })),
      queued: this.queue.length,
      totals: { ...this.totals },
    };
  }

  /** Ends a session this node started: reports it, and continues a repair that was cut short. */
  finish(session: AntiEntropySession, outcome: AntiEntropyOutcome, now: number, out: NodeOutput): void {
    if (this.sessions.get(session.exchange) !== session) return;
    this.sessions.delete(session.exchange);
    this.totals.exchanges++;
    this.totals.messages += session.messages;
    this.totals.bytes += session.bytes;
    this.totals.keysRepaired += session.keys.size;
    out.events.push({
      type: 'antientropy.done',
      at: now,
      node: this.host.self,
      exchange: session.exchange,
      peer: session.peer,
      range: { start: session.range.start, end: session.range.end },
      outcome,
      messages: session.messages,
      bytes: session.bytes,
      keysRepaired: session.keys.size,
      durationMs: now - session.startedAt,
    });
    // Continue a repair cut short while each exchange moves new keys; the same keys travelling again
    // means the peer could not store them (a full disk?), and the next round will retry instead.
    const progressed = session.keys.size > 0 && ![...session.keys].some((key) => session.travelled.has(key));
    if (outcome === 'repaired' && session.partial && progressed) {
      const travelled = new Set([...session.travelled, ...session.keys]);
      this.queue.unshift({
        peer: session.peer,
        range: rangeId(session.range),
        trigger: 'continue',
        travelled,
      });
    }
    this.startQueued(now, out);
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────────

  private rebuild(): void {
    const ranges = replicatedRanges(this.ring, this.placement, this.host.self);
    const entries = new Map<string, [string, string][]>(ranges.map((r) => [rangeId(r), []]));
    const idByToken: (string | undefined)[] = [];
    for (const range of ranges) idByToken[range.tokenIndex] = rangeId(range);
    if (ranges.length > 0) {
      for (const [key, siblings] of this.host.entries()) {
        if (isKvError(siblings)) continue; // unreadable here: a peer's copy will repair it
        const id = idByToken[tokenIndexAt(this.ring, keyPosition(key))];
        const digest = versionDigest(siblings);
        if (id !== undefined && digest !== null) entries.get(id)?.push([key, digest]);
      }
    }
    this.held = new Map();
    this.heldByToken = [];
    for (const range of ranges) {
      const id = rangeId(range);
      const held = { range, tree: MerkleTree.build(range, entries.get(id) ?? [], this.leafDepth) };
      this.held.set(id, held);
      this.heldByToken[range.tokenIndex] = held;
    }
  }

  private active(peer: NodeId, range: string): boolean {
    for (const s of this.sessions.values()) if (s.peer === peer && rangeId(s.range) === range) return true;
    return false;
  }

  private reachable(peer: NodeId): boolean {
    return this.host.isReachable?.(peer) ?? true;
  }

  private enqueue(item: Queued): boolean {
    if (this.queue.some((q) => q.peer === item.peer && q.range === item.range)) return false;
    this.queue.push(item);
    return true;
  }

  /** A background round: each (range, peer) pair once, from the side with the lower node id. */
  private enqueueRound(): void {
    for (const { range } of this.held.values()) {
      for (const peer of range.peers) {
        if (compareNodeIds(this.host.self, peer) >= 0 || !this.reachable(peer)) continue;
        this.enqueue({ peer, range: rangeId(range), trigger: 'periodic' });
      }
    }
  }

  private startQueued(now: number, out: NodeOutput): void {
    while (this.sessions.size < this.exchangesMax && this.queue.length > 0) {
      const next = this.queue.shift() as Queued;
      const held = this.held.get(next.range);
      if (!held || this.active(next.peer, next.range)) continue;
      // A background exchange queued before its peer was found down could only time out: drop it
      // (the first round after the peer is back queues it again). One asked for by hand still runs.
      if (next.trigger !== 'manual' && !this.reachable(next.peer)) continue;
      this.start(next.peer, held.range, now, out, next.trigger, next.travelled);
    }
  }
}
