/**
 * The deterministic driver: nodes, network and disks simulated in one thread, on virtual time.
 *
 *   agenda (EventQueue by time, seq) ──pop──▶ deliver | wake | request | action
 *                                                 │
 *                                     node.step(input) ─▶ output
 *                                                 │ sync if asked, then
 *                     messages ─▶ SimNetwork.route ─▶ agenda     replies ─▶ client callbacks
 *
 * Every random choice comes from streams forked from the run's seed, every delivery and timer firing
 * is folded into a trace hash, and nothing here reads a real clock: the same seed and the same
 * actions give the same run, byte for byte (test T1). Faults: crash (volatile state lost; the
 * node's `FileSystem` survives, and a faulty one may lose unsynced bytes), restart (recovery from
 * those files), wipe (the disk erased), pause (inputs queue up until resume), clock skew, and
 * everything `SimNetwork` does. A node that finds its own files damaged is wiped (contract.ts).
 */

import { assert } from '../assert.ts';
import { isDiskFailure } from '../errors.ts';
import type {
  ClientReply,
  ClientRequest,
  NodeFactory,
  NodeInput,
  NodeOutput,
  StorageNode,
} from '../node/contract.ts';
import type { ClusterEvent } from '../protocol/events.ts';
import type { NodeId } from '../protocol/ids.ts';
import { type Envelope, opNumberOf } from '../protocol/messages.ts';
import { Rng } from '../random/rng.ts';
import type { FileSystem } from '../storage/files/fileSystem.ts';
import { MemoryFileSystem } from '../storage/files/memoryFileSystem.ts';
import { EventQueue } from './eventQueue.ts';
import { defaultLinkConfig, type SimLinkConfig, SimNetwork } from './network.ts';
import { type AgendaItem, type Host, isCrashable, type NodeState, newHost } from './simHost.ts';
import { TraceHash } from './traceHash.ts';

/**
 * Timer wakes of one node at one simulated instant before the simulator calls it a livelock. A node
 * is woken at one instant a handful of times at most; a bug wakes it millions of times.
 */
export const livelockWakesMax = 10_000;

export interface SimulationOptions {
  seed: number;
  nodes: readonly NodeId[];
  createNode: NodeFactory;
  config?: Record<string, unknown>;
  link?: Partial<SimLinkConfig>;
  /** Each node's disk; default a fresh `MemoryFileSystem`. */
  fileSystem?: (id: NodeId) => FileSystem;
}

export type { CrashableFileSystem, NodeState } from './simHost.ts';

export class Simulation {
  readonly seed: number;
  readonly network: SimNetwork;
  readonly trace = new TraceHash();
  private readonly rng: Rng;
  private readonly agenda = new EventQueue<AgendaItem>();
  private readonly hosts = new Map<NodeId, Host>();
  private readonly listeners: ((event: ClusterEvent) => void)[] = [];
  /** Listeners that asked for the per-message events too (message.sent, message.delivered). */
  private messageListeners = 0;
  private time = 0;
  readonly counters = { delivered: 0, dropped: 0, sent: 0, steps: 0 };

  constructor(private readonly options: SimulationOptions) {
    this.seed = options.seed;
    this.rng = new Rng(options.seed);
    this.network = new SimNetwork(this.rng.fork('network'), { ...defaultLinkConfig, ...options.link });
    for (const id of options.nodes) this.addHost(id);
  }

  /**
   * Starts a node that was not there before (a node joining the cluster, SPEC 1.7), with its own
   * settings (`config`, e.g. `{ join: true, members }`) over the run's. Its peers are every node.
   */
  addNode(id: NodeId, config?: Record<string, unknown>): void {
    assert(!this.hosts.has(id), `node ${id} exists already`);
    this.trace.add(`${this.time}|add|${id}`);
    this.addHost(id, config === undefined ? undefined : { ...this.options.config, ...config });
  }

  /** An operator command to a running node (`configure`: decommission, leave, settings). */
  control(id: NodeId, patch: Record<string, unknown>): void {
    const host = this.host(id);
    if (host.state !== 'up') return;
    this.trace.add(`${this.time}|control|${id}`);
    this.stepNode(host, { type: 'control', now: this.nodeNow(host), command: { type: 'configure', patch } });
  }

  private addHost(id: NodeId, config?: Record<string, unknown>): void {
    const host = newHost(id, this.options.fileSystem?.(id) ?? new MemoryFileSystem(`memory:${id}`), config);
    this.hosts.set(id, host);
    this.boot(host);
  }

  get now(): number {
    return this.time;
  }

  get nodeIds(): NodeId[] {
    return [...this.hosts.keys()];
  }

  traceHash(): string {
    return this.trace.hex();
  }

  /**
   * Calls `listener` with every cluster event. `messages: false` says it does not need the two
   * events every message makes (sent, delivered; drops are always reported): when no listener needs
   * them, the simulator does not build them at all — two objects per message.
   */
  onEvent(listener: (event: ClusterEvent) => void, options: { messages?: boolean } = {}): void {
    this.listeners.push(listener);
    if (options.messages !== false) this.messageListeners++;
  }

  node(id: NodeId): StorageNode | null {
    return this.host(id).node;
  }

  state(id: NodeId): NodeState {
    return this.host(id).state;
  }

  fileSystem(id: NodeId): FileSystem {
    return this.host(id).fs;
  }

  /** Sends a client request to `node` now; `onReply` runs when the node answers. */
  request(node: NodeId, request: ClientRequest, onReply: (reply: ClientReply) => void): void {
    this.agenda.push(this.time, { kind: 'request', node, request, onReply });
  }

  /** Runs `run` at virtual time `at` (fault schedules, workloads, checks). */
  schedule(at: number, label: string, run: () => void): void {
    if (!(at >= this.time)) assert(false, `cannot schedule "${label}" in the past (${at} < ${this.time})`);
    this.agenda.push(at, { kind: 'action', label, run });
  }

  /** Processes the next agenda item. Returns false when the agenda is empty. */
  step(): boolean {
    const next = this.agenda.pop();
    if (!next) return false;
    this.time = next.at;
    this.handle(next.item);
    return true;
  }

  /** Runs every agenda item due at or before `until`, then sets the clock to `until`. */
  runUntil(until: number): void {
    for (let next = this.agenda.peek(); next && next.at <= until; next = this.agenda.peek()) this.step();
    this.time = Math.max(this.time, until);
  }

  runFor(ms: number): void {
    this.runUntil(this.time + ms);
  }

  // ── faults ──────────────────────────────────────────────────────────────────────────────────

  /** Kills a node: its volatile state is gone; with `power`, unsynced disk writes may be lost too. */
  crash(id: NodeId, kind: 'process' | 'power' = 'process'): void {
    const host = this.host(id);
    if (host.state === 'crashed') return;
    this.trace.add(`${this.time}|crash|${id}|${kind}`);
    host.node = null;
    host.state = 'crashed';
    host.incarnation++;
    host.inbox = [];
    host.wakeAt = null;
    host.pendingReplies.clear();
    if (isCrashable(host.fs)) host.fs.crash(kind);
    this.emit({ type: 'node.crashed', at: this.time, node: id });
  }

  /** A permanent failure: the node crashes, every file of its disk is erased, and it starts empty. */
  wipe(id: NodeId): string[] {
    this.crash(id, 'process');
    const files = this.host(id).fs.list();
    for (const name of files) this.host(id).fs.delete(name);
    this.restart(id);
    return files;
  }

  /** Starts a crashed node again from its files. */
  restart(id: NodeId): void {
    const host = this.host(id);
    if (host.state !== 'crashed') return;
    this.trace.add(`${this.time}|restart|${id}`);
    this.boot(host);
  }

  pause(id: NodeId): void {
    const host = this.host(id);
    if (host.state !== 'up') return;
    host.state = 'paused';
    this.emit({ type: 'node.paused', at: this.time, node: id });
  }

  resume(id: NodeId): void {
    const host = this.host(id);
    if (host.state !== 'paused') return;
    host.state = 'up';
    this.emit({ type: 'node.resumed', at: this.time, node: id });
    const inbox = host.inbox;
    host.inbox = [];
    for (const item of inbox) this.handle(item);
    this.stepNode(host, { type: 'tick', now: this.nodeNow(host) });
  }

  /** The node's clock runs `skewMs` ahead of (or, negative, behind) virtual time. */
  skew(id: NodeId, skewMs: number): void {
    this.host(id).skewMs = skewMs;
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────────

  private host(id: NodeId): Host {
    const host = this.hosts.get(id);
    if (!host) assert(false, `unknown node ${id}`);
    return host;
  }

  private nodeNow(host: Host): number {
    return this.time + host.skewMs;
  }

  private boot(host: Host): void {
    const recovered = host.fs.list().length > 0;
    try {
      host.node = this.createNode(host);
    } catch (error) {
      if (!isDiskFailure(error)) throw error;
      host.state = 'up'; // so that the disk failure crashes it like a running node
      this.diskFailed(host, error);
      return;
    }
    host.state = 'up';
    this.emit({ type: 'node.started', at: this.time, node: host.id, recovered });
    this.stepNode(host, { type: 'start', now: this.nodeNow(host) });
  }

  /** The contract's disk failure rule: the node found its files damaged; erase them and start empty. */
  private diskFailed(host: Host, error: unknown): void {
    this.trace.add(`${this.time}|disk-failed|${host.id}`);
    this.emit({ type: 'node.disk-failed', at: this.time, node: host.id, error: (error as Error).message });
    this.wipe(host.id);
  }

  private createNode(host: Host): StorageNode {
    return this.options.createNode({
      id: host.id,
      peers: [...new Set([...this.options.nodes, ...this.hosts.keys()])].filter((peer) => peer !== host.id),
      rng: this.rng.fork(`node/${host.id}/${host.incarnation}`),
      fs: host.fs,
      // Only its first boot may write under its plain id (kvConfig `firstStart`, versioning/actor.ts).
      config: { ...(host.config ?? this.options.config), firstStart: host.incarnation === 0 },
    });
  }

  private handle(item: AgendaItem): void {
    switch (item.kind) {
      case 'deliver':
        this.deliver(item);
        return;
      case 'wake':
        this.wake(item.node, item.incarnation);
        return;
      case 'request':
        this.deliverRequest(item);
        return;
      case 'action':
        this.trace.add(`${this.time}|a|${item.label}`);
        item.run();
    }
  }

  private deliver(item: AgendaItem & { kind: 'deliver' }): void {
    const { envelope } = item;
    const host = this.host(envelope.to);
    if (host.state === 'crashed') {
      this.drop(envelope, 'crashed');
      return;
    }
    if (host.state === 'paused') {
      host.inbox.push(item);
      return;
    }
    this.counters.delivered++;
    this.trace.addFields(this.time, 'd', envelope.from, envelope.to, envelope.id, envelope.body.type);
    if (this.messageListeners > 0) {
      this.emit({
        type: 'message.delivered',
        at: this.time,
        node: envelope.to,
        from: envelope.from,
        id: envelope.id,
        msg: envelope.body.type,
      });
    }
    this.stepNode(host, { type: 'message', now: this.nodeNow(host), envelope });
  }

  private wake(id: NodeId, incarnation: number): void {
    const host = this.host(id);
    if (host.incarnation !== incarnation || host.state === 'crashed') return;
    if (host.wakeAt !== null && host.wakeAt > this.time) return; // superseded by a later schedule
    host.wakeAt = null;
    if (host.state === 'paused') return; // resume() ticks the node
    this.checkLivelock(host);
    this.trace.addFields(this.time, 'w', id, '', '', '');
    this.stepNode(host, { type: 'tick', now: this.nodeNow(host) });
  }

  /**
   * A node that keeps asking to be woken at the instant it is woken, its clock never moving, would
   * hold the simulation at that instant for ever (a deadline its tick does not clear): say so.
   */
  private checkLivelock(host: Host): void {
    if (host.lastWakeTime !== this.time) {
      host.lastWakeTime = this.time;
      host.wakesAtOneInstant = 0;
    } else if (++host.wakesAtOneInstant > livelockWakesMax) {
      throw new Error(
        `${host.id} asked to be woken at ${this.time} ms ${livelockWakesMax} times in a row without its clock moving: a deadline its tick never clears`,
      );
    }
  }

  private deliverRequest(item: AgendaItem & { kind: 'request' }): void {
    const host = this.host(item.node);
    if (host.state === 'paused') {
      host.inbox.push(item);
      return;
    }
    if (host.state === 'crashed') return; // the client sees nothing: its own timeout decides
    this.trace.addFields(this.time, 'r', item.node, '', item.request.requestId, '');
    host.pendingReplies.set(item.request.requestId, item.onReply);
    this.stepNode(host, { type: 'request', now: this.nodeNow(host), request: item.request });
  }

  private stepNode(host: Host, input: NodeInput): void {
    const node = host.node;
    if (!node) assert(false, `stepping node ${host.id} while it is ${host.state}`);
    this.counters.steps++;
    let out: NodeOutput;
    try {
      out = node.step(input);
    } catch (error) {
      if (!isDiskFailure(error)) throw error;
      this.diskFailed(host, error);
      return;
    }
    if (out.early) for (const envelope of out.early) this.send(envelope); // most steps send none early
    if (out.syncBeforeSend) node.sync();
    for (const event of out.events) this.emit(event);
    for (const envelope of out.messages) this.send(envelope);
    for (const reply of out.replies) {
      const onReply = host.pendingReplies.get(reply.requestId);
      host.pendingReplies.delete(reply.requestId);
      onReply?.(reply);
    }
    this.scheduleWake(host, out.wakeAt);
  }

  private scheduleWake(host: Host, wakeAt: number | null): void {
    if (wakeAt === null) return;
    let at = Math.max(this.time, wakeAt - host.skewMs);
    // Float rounding: (wakeAt − skew) + skew can land just below wakeAt, and a node woken before its
    // deadline asks for the same wake again, for ever. Nudge until its clock reads at least wakeAt.
    while (at + host.skewMs < wakeAt) at += Math.max(Math.abs(at) * Number.EPSILON, Number.MIN_VALUE);
    if (host.wakeAt !== null && host.wakeAt <= at && host.wakeAt >= this.time) return;
    host.wakeAt = at;
    this.agenda.push(at, { kind: 'wake', node: host.id, incarnation: host.incarnation });
  }

  private send(envelope: Envelope): void {
    this.counters.sent++;
    const route = this.network.route(envelope.from, envelope.to, this.time);
    if ('dropped' in route) {
      this.drop(envelope, route.dropped);
      return;
    }
    for (const at of route.delivered) this.agenda.push(at, { kind: 'deliver', envelope });
    if (this.messageListeners > 0) {
      this.emit({
        type: 'message.sent',
        at: this.time,
        node: envelope.from,
        to: envelope.to,
        id: envelope.id,
        msg: envelope.body.type,
        deliverAt: route.delivered[0] ?? null,
        ...requestOf(envelope),
      });
    }
  }

  private drop(envelope: Envelope, reason: 'cut' | 'loss' | 'crashed'): void {
    this.counters.dropped++;
    this.trace.add(`${this.time}|x|${envelope.from}>${envelope.to}#${envelope.id}|${reason}`);
    this.emit({
      type: 'message.dropped',
      at: this.time,
      node: envelope.from,
      to: envelope.to,
      id: envelope.id,
      msg: envelope.body.type,
      reason,
      ...requestOf(envelope),
    });
  }

  private emit(event: ClusterEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** A message event's `opNumber` field, when the message belongs to a request (replication). */
function requestOf(envelope: Envelope): { opNumber?: number } {
  const opNumber = opNumberOf(envelope.body);
  return opNumber === undefined ? {} : { opNumber };
}
