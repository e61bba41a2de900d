/**
 * A key-value storage node: the Dynamo-style store of one machine (SPEC 1). It composes
 *
 *   ring (who holds a key) · coordinator (quorum requests) · replica (its own copy: replica.ts)
 *
 * and speaks the replication protocol of replication/messages.ts. Like every node it is sans-I/O:
 * stepped with messages, ticks and client requests, it returns messages, replies and events, and
 * asks for the commit log to be made durable before any acknowledgement leaves (`syncBeforeSend`).
 */

import { AntiEntropy } from '../antiEntropy/antiEntropy.ts';
import { isAntiEntropyMessage } from '../antiEntropy/messages.ts';
import { isKvError, type KvError } from '../errors.ts';
import { HintedHandoff } from '../handoff/handoff.ts';
import { HintStore } from '../handoff/hintStore.ts';
import { Membership } from '../membership/membership.ts';
import { membershipTimersOf } from '../membership/settings.ts';
import { type NodeId, nodeId } from '../protocol/ids.ts';
import type { Envelope, Message } from '../protocol/messages.ts';
import type { Rng } from '../random/rng.ts';
import { isRebalanceMessage } from '../rebalance/messages.ts';
import { NodeRebalance } from '../rebalance/nodeRebalance.ts';
import {
  Coordinator,
  type CoordinatorHost,
  type CoordinatorSettings,
  type ReplyTo,
} from '../replication/coordinator.ts';
import { Forwarder } from '../replication/forwarder.ts';
import type { ReplicationMessage } from '../replication/messages.ts';
import { type LocalStore, ReplicaStore } from '../replication/replicaStore.ts';
import { planRequest } from '../replication/requestPlan.ts';
import { failure, type KvReply, type KvRequest } from '../replication/requests.ts';
import { replicasFor } from '../ring/placement.ts';
import type { Ring, RingMember } from '../ring/ring.ts';
import type { FileSystem } from '../storage/files/fileSystem.ts';
import { LsmStore } from '../storage/lsmStore.ts';
import { earlier, ManualClock } from '../time/clock.ts';
import { Actor } from '../versioning/actor.ts';
import type { Version } from '../versioning/siblings.ts';
import {
  type ClientRequest,
  emptyOutput,
  type NodeEnv,
  type NodeInput,
  type NodeOutput,
  type NodeSnapshot,
  type StorageNode,
} from './contract.ts';
import { coordinatorSettingsOf, type KvNodeConfig, kvConfigFrom } from './kvConfig.ts';
import { Replica } from './replica.ts';

export class KvNode implements StorageNode, CoordinatorHost {
  readonly id: NodeId;
  readonly store: ReplicaStore;
  readonly lsm: LsmStore;
  /** Gossip membership and the failure detector: who this node believes alive (SPEC 1.6). */
  readonly membership: Membership;
  private readonly config: KvNodeConfig;
  /** The ring as gossip changes it; bootstrap when joining, hand-over when decommissioned (SPEC 1.7). */
  readonly rebalance: NodeRebalance;
  private readonly coordinator: Coordinator;
  private readonly coordinatorSettings: CoordinatorSettings;
  private readonly storageClock = new ManualClock(0);
  /** The stand-in side of hinted handoff (sloppy quorum), with its own durable hint store. */
  readonly handoff: HintedHandoff;
  /** Merkle trees of the ranges this node replicates, and the exchanges that repair them. */
  readonly antiEntropy: AntiEntropy;
  private readonly forwarder: Forwarder;
  /** Its own copy of each key, read and written for coordinators, repairs, hints and streams. */
  private readonly replica = new Replica(this);
  private nextMessageId = 0;
  private readonly fs: FileSystem;
  /** Opened at the first step (it needs the clock); null before. */
  private actor: Actor | null = null;
  private readonly actorRng: Rng;

  constructor(env: NodeEnv, config: KvNodeConfig) {
    this.id = env.id;
    this.fs = env.fs;
    this.actorRng = env.rng.fork('actor');
    this.config = config;
    this.rebalance = this.createRebalance(env);
    this.lsm = LsmStore.open(env.fs, { ...config.storage, clock: this.storageClock });
    this.store = new ReplicaStore(this.lsm as LocalStore, config.conflictMode);
    this.coordinatorSettings = coordinatorSettingsOf(config);
    this.coordinator = new Coordinator(this, this.coordinatorSettings);
    const known = config.members.map((member) => member.id);
    const own = config.members.find((member) => member.id === this.id); // its weight and data centre
    this.membership = new Membership(this, known, config.membership, env.rng.fork('membership'), own);
    this.handoff = new HintedHandoff(this, new HintStore(env.fs), { hintWindowMs: config.hintWindowMs });
    this.forwarder = new Forwarder(this.id, (to, body, out) => this.send(to, body, out));
    this.antiEntropy = new AntiEntropy(
      {
        self: this.id,
        send: (to, body, out) => this.send(to, body, out),
        read: (key) => this.store.read(key),
        apply: (key, versions, now, out) => this.replica.apply(key, versions, now, out),
        entries: () => this.store.entries(),
        isReachable: (peer) => this.isAlive(peer),
      },
      { ring: this.ring, placement: config.placement, intervalMs: config.antiEntropyIntervalMs },
    );
  }

  get self(): NodeId {
    return this.id;
  }

  private get ring(): Ring {
    return this.rebalance.ring;
  }

  /**
   * At its first step, the node opens its actor (versioning/actor.ts): the name its dots carry, the
   * lease its counters start above (a crash may have lost counters it issued; a new name has issued
   * none), and where its request and hint numbers start (above every earlier incarnation's).
   */
  private takeActor(now: number, out: NodeOutput): Actor {
    const actor = Actor.open(this.fs, this.id, {
      firstStart: this.config.firstStart,
      now,
      rng: this.actorRng,
    });
    this.actor = actor;
    this.coordinator.numberOpsFrom(actor.opBase + 1);
    this.forwarder.numberOpsFrom(actor.opBase + 1);
    this.handoff.hints.numberFrom(actor.opBase + 1);
    const { name, origin: reason } = actor;
    if (reason === 'no-record' || reason === 'unreadable-record')
      out.events.push({ type: 'actor.renamed', at: now, node: this.id, actor: name, reason });
    return actor;
  }

  /**
   * A node that lost its disk (it started without its actor record, and not for the first time)
   * rebuilds its ranges before it answers reads under strict quorums, which promise fresh reads.
   * Under sloppy quorums it answers at once, as Dynamo's nodes do, and anti-entropy repairs it.
   */
  private rebuildsOnStart(): boolean {
    const { origin } = this.dots;
    return this.config.quorum === 'strict' && origin !== 'first' && origin !== 'kept';
  }

  /** CoordinatorHost: the actor, opened at the first step, before anything is coordinated. */
  get dots(): Actor {
    return this.actor as Actor;
  }

  step(input: NodeInput): NodeOutput {
    const out = emptyOutput();
    const now = input.now;
    if (now > this.storageClock.now()) this.storageClock.set(now);
    if (this.actor === null) this.takeActor(now, out);
    switch (input.type) {
      case 'message':
        this.onMessage(input.envelope, now, out);
        break;
      case 'request':
        this.onClientRequest(input.request, now, out);
        break;
      case 'control':
        this.configure(input.command.patch, now, out);
        break;
      case 'start':
        this.handoff.start(now);
        this.rebalance.start(now, out, this.rebuildsOnStart());
        break;
      case 'tick':
        break;
    }
    if (input.type === 'control' && input.command.patch.leave === true) this.membership.leave(now, out);
    this.rebalance.tick(now, out);
    if (this.rebalance.gossips) this.membership.tick(now, out);
    this.coordinator.tick(now, out);
    this.handoff.tick(now, out);
    this.antiEntropy.tick(now, out);
    this.forwarder.expire(now, out);
    this.rebalance.follow(now, out);
    this.lsm.scrubIfDue(); // damage found is the disk failure rule's (contract.ts)
    this.drainStorageEvents(now, out);
    out.wakeAt = this.nextWake(now);
    return out;
  }

  sync(): void {
    this.store.sync();
    this.handoff.hints.sync();
  }

  snapshot(now: number): NodeSnapshot {
    return {
      id: this.id,
      kind: 'kv',
      at: now,
      actor: this.actor?.name ?? this.id,
      inFlight: this.coordinator.inFlight,
      forwards: this.forwarder.size,
      storage: this.lsm.snapshot(),
      hints: this.handoff.hints.all().map(({ id, owner, key, storedAt }) => ({ id, owner, key, storedAt })),
      antiEntropy: this.antiEntropy.snapshot(),
      membership: this.membership.snapshot(now),
      rebalance: this.rebalance.snapshot(),
    };
  }

  close(): void {
    this.lsm.close();
    this.handoff.hints.close();
  }

  /**
   * Operator settings that may change while the node runs (the lab scales the request timeout with
   * its link delay; it applies to requests started afterwards) and operator actions: trigger an
   * anti-entropy round, decommission, flush the memtable or compact now. Other fields are ignored.
   */
  private configure(patch: Record<string, unknown>, now: number, out: NodeOutput): void {
    if (patch.storage === 'flush' || patch.storage === 'compact') this.lsm.maintain(patch.storage);
    if (patch.antiEntropy === 'trigger') this.antiEntropy.trigger(now, out);
    if (patch.decommission === true) this.rebalance.decommission(now, out, patch.force === true);
    if (typeof patch.nodeGone === 'string') this.rebalance.nodeGone(nodeId(patch.nodeGone));
    if (patch.membership !== undefined) this.membership.retime(membershipTimersOf(patch.membership), now);
    const timeout = patch.requestTimeoutMs;
    if (typeof timeout === 'number' && Number.isFinite(timeout) && timeout > 0) {
      this.config.requestTimeoutMs = timeout;
      this.coordinatorSettings.requestTimeoutMs = timeout;
    }
  }

  private readonly alive = (member: NodeId): boolean => this.isAlive(member);

  /** This node's failure detector's view: not down, not left, not removed (a suspicion is not a verdict). */
  isAlive(member: NodeId): boolean {
    return this.membership.isAlive(member);
  }

  // ── HandoffHost (besides isAlive and send) ──────────────────────────────────────────────────

  onRing(node: NodeId): boolean {
    return this.rebalance.onRing(node);
  }

  replicaOf(key: string): NodeId {
    const replicas = replicasFor(this.ring, key, this.config.placement).nodes;
    return replicas.includes(this.id) ? this.id : (replicas[0] ?? this.id);
  }

  storeOwn(key: string, versions: Version[], now: number, out: NodeOutput): KvError | null {
    return this.writeLocal(key, versions, 'hint-replay', undefined, now, out);
  }

  /** The members this node believes alive, itself included, in a stable order. */
  liveMembers(): NodeId[] {
    return this.membership.liveMembers();
  }

  // ── CoordinatorHost ─────────────────────────────────────────────────────────────────────────

  /** Queues a message; `early` ones may leave before this step's sync (contract.ts). */
  send(to: NodeId, body: Message, out: NodeOutput, early = false): void {
    const envelope = { from: this.id, to, id: this.nextMessageId++, body };
    if (!early) out.messages.push(envelope);
    else if (out.early) out.early.push(envelope);
    else out.early = [envelope];
  }

  reply(replyTo: ReplyTo, reply: KvReply, out: NodeOutput): void {
    if (replyTo.kind === 'client') out.replies.push(reply);
    else this.send(replyTo.node, { type: 'forward-reply', op: replyTo.op, reply }, out);
  }

  /** The coordinator reads and writes this node's own copy through the replica side (replica.ts). */
  readonly readLocal: Replica['read'] = (key) => this.replica.read(key);
  readonly writeLocal: Replica['write'] = (...write) => this.replica.write(...write);

  // ── client requests ─────────────────────────────────────────────────────────────────────────

  private onClientRequest(request: ClientRequest, now: number, out: NodeOutput): void {
    if (request.type === 'stats') {
      out.replies.push({ type: 'stats', requestId: request.requestId, ok: true, stats: this.stats() });
      return;
    }
    const refused = this.rebalance.serving.refusal('request');
    if (refused) {
      this.reply({ kind: 'client' }, failure(request, this.id, 'fail', refused), out);
      return;
    }
    this.coordinate(request, { kind: 'client' }, now, out);
  }

  /**
   * A request another node forwarded here to coordinate. A joiner still bootstrapping (or a node
   * that left) refuses it as it refuses a client: it would coordinate on a ring without itself, and
   * write to nodes that do not replicate the key.
   */
  private onForward(from: NodeId, op: number, request: KvRequest, now: number, out: NodeOutput): void {
    const replyTo: ReplyTo = { kind: 'forward', node: from, op };
    const refused = this.rebalance.serving.refusal('request');
    if (refused) this.reply(replyTo, failure(request, this.id, 'fail', refused), out);
    else this.coordinate(request, replyTo, now, out);
  }

  /** Plans a request (requestPlan.ts), then refuses it, forwards it to a replica or coordinates it. */
  private coordinate(request: KvRequest, replyTo: ReplyTo, now: number, out: NodeOutput): void {
    const { config } = this;
    const { placement, quorum, r, w } = config;
    const selfServes = this.rebalance.serving.servesOwn(
      request.key,
      request.type === 'get' ? 'read' : 'write',
    );
    const view = { self: this.id, ring: this.ring, placement, quorum, r, w, isAlive: this.alive, selfServes };
    const plan = planRequest(request, view, replyTo.kind === 'forward');
    if (isKvError(plan)) this.reply(replyTo, failure(request, this.id, 'fail', plan), out);
    // The target waits its own request timeout; allow for it plus the two hops of the forward.
    else if (plan.forwardTo !== null)
      this.forwarder.forward(plan.request, plan.forwardTo, 2 * config.requestTimeoutMs, now, out);
    else if (request.type === 'get') this.coordinator.startRead(request, plan, replyTo, now, out);
    else this.coordinator.startWrite(request, plan, replyTo, now, out);
  }

  // ── the replication protocol ────────────────────────────────────────────────────────────────

  private onMessage(envelope: Envelope, now: number, out: NodeOutput): void {
    const body = envelope.body;
    this.membership.heardFrom(envelope.from, now);
    if (body.type === 'gossip') {
      this.membership.onGossip(envelope.from, body, now, out);
      return;
    }
    if (body.type === 'ping' || body.type === 'pong') return;
    if (body.type === 'hint-replay') {
      // This node is the owner a stand-in kept the write for: store it durably, then acknowledge.
      const refused = this.writeLocal(body.key, body.siblings, 'hint-replay', undefined, now, out);
      if (!refused) this.send(envelope.from, { type: 'hint-ack', hintId: body.hintId }, out);
      return;
    }
    if (body.type === 'hint-ack') {
      this.handoff.onAck(envelope.from, body.hintId, now, out);
      return;
    }
    switch (body.type) {
      case 'replica-put':
      case 'replica-put-ack':
      case 'replica-get':
      case 'replica-get-reply':
      case 'read-repair':
      case 'forward':
      case 'forward-reply':
        this.onReplication(envelope.from, body, now, out); // the bulk of the traffic: routed first
        return;
    }
    if (isRebalanceMessage(body)) this.rebalance.onMessage(envelope.from, body, now, out);
    else if (isAntiEntropyMessage(body)) this.antiEntropy.onMessage(envelope.from, body, now, out);
  }

  private onReplication(from: NodeId, body: ReplicationMessage, now: number, out: NodeOutput): void {
    switch (body.type) {
      case 'replica-put':
        this.replica.onPut(from, body, now, out);
        return;
      case 'replica-put-ack':
        this.coordinator.onPutAck(from, body.op, body.ok, now, out);
        return;
      case 'replica-get':
        this.replica.onGet(from, body, out);
        return;
      case 'replica-get-reply':
        this.coordinator.onGetReply(from, body.op, body.siblings, now, out);
        return;
      case 'read-repair':
        this.writeLocal(body.key, body.siblings, 'read-repair', undefined, now, out);
        return;
      case 'forward':
        // A duplicating network may deliver one forward twice: coordinate the write once.
        if (!this.forwarder.firstArrival(from, body.op, body.request.requestId, now)) return;
        this.onForward(from, body.op, body.request, now, out);
        return;
      case 'forward-reply':
        this.forwarder.onReply(body.op, body.reply, out);
        return;
    }
  }

  // ── bookkeeping ─────────────────────────────────────────────────────────────────────────────

  private nextWake(now: number): number | null {
    // Runs after every step: plain comparisons, nothing allocated.
    let next = this.coordinator.nextDeadline();
    // A joiner does not tick its membership until its ranges have arrived (step): nor wake for it,
    // or a deadline already due would wake it at the same instant for ever.
    if (this.rebalance.gossips) next = earlier(next, this.membership.nextDeadline(now));
    next = earlier(next, this.forwarder.nextDeadline());
    next = earlier(next, this.handoff.deadline);
    next = earlier(next, this.antiEntropy.nextDeadline());
    next = earlier(next, this.lsm.scrubDue);
    return earlier(next, this.rebalance.nextDeadline());
  }

  // ── membership changes (SPEC 1.7) ───────────────────────────────────────────────────────────

  private createRebalance(env: NodeEnv): NodeRebalance {
    const host = {
      self: this.id,
      fs: env.fs,
      send: (to: NodeId, body: Message, out: NodeOutput) => this.send(to, body, out),
      read: (key: string) => this.store.read(key),
      apply: (key: string, versions: readonly Version[], now: number, out: NodeOutput) => {
        const applied = this.replica.apply(key, versions, now, out, 'stream');
        return isKvError(applied) ? applied : null;
      },
      scan: () => this.lsm.scan(),
      hintsPending: () => this.handoff.hints.size,
      leave: (now: number, out: NodeOutput, ring: readonly RingMember[]) =>
        this.membership.leave(now, out, ring),
      ringChanged: (ring: Ring) => this.antiEntropy.setRing(ring),
      replicates: (key: string) => this.antiEntropy.heldOf(key) !== undefined,
      holdsHint: (key: string) => this.handoff.hints.forKey(key).length > 0,
      remove: (key: string) => this.lsm.delete(key),
      heardAlive: (member: NodeId) => this.membership.heardAlive(member),
      memberStatus: (member: NodeId) => this.membership.statusOf(member),
      mayHaveLeftUnseen: (member: NodeId, now: number) => this.membership.mayHaveLeftUnseen(member, now),
      departed: (member: NodeId, via: NodeId, now: number, out: NodeOutput) =>
        this.membership.departed(member, via, now, out),
    };
    return new NodeRebalance(host, this.config, env.rng.fork('rebalance'));
  }

  private drainStorageEvents(now: number, out: NodeOutput): void {
    for (const event of this.lsm.drainEvents()) {
      out.events.push({ type: 'storage', at: now, node: this.id, event });
    }
  }

  private stats(): Record<string, number> {
    return {
      inFlight: this.coordinator.inFlight,
      forwards: this.forwarder.size,
      hints: this.handoff.hints.size,
    };
  }
}

/** The node factory for drivers: reads the settings from the environment, refuses bad ones. */
export function createKvNode(env: NodeEnv): KvNode {
  const config = kvConfigFrom(env.config, env.id, env.peers);
  if (isKvError(config)) throw config;
  return new KvNode(env, config);
}
