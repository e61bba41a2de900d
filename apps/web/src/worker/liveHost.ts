/**
 * The live driver of one node, inside its Web Worker: the counterpart of the simulator's host loop,
 * with real time and real ports.
 *
 *   port from peer ──validate──▶ node.step(message) ─┐
 *   page request ─────────────▶ node.step(request) ─┼─▶ outputs queued ─▶ (group commit) sync once
 *   timer (wakeAt) ───────────▶ node.step(tick)    ─┘       ─▶ messages ─▶ link faults ─▶ peer ports
 *                                                             replies  ─▶ the page's waiting request
 *   events ─▶ batch ─▶ events port to the page
 *
 * Group commit, adaptive (leader/follower): an output that asks for `syncBeforeSend` is not sent
 * before a sync. A quiet node (idle, since its last sync ended, for longer than that sync took:
 * nothing can have queued up behind it) whose backend is durable once `sync` returns (OPFS) syncs at
 * once, and the output leaves: a lone request pays no wait. Otherwise every input already queued
 * in the worker's event loop is stepped first (the commit is scheduled behind them through a private
 * MessageChannel) — and when the last sync made more than one write durable (writes are arriving
 * together), the commit waits `commitDelayMs` for more to join it, as PostgreSQL's `commit_delay`
 * waits only while other transactions are active. Then the log is synced once and every held output
 * leaves in order. An output that needs no sync still waits behind held ones, so nothing overtakes
 * an unsynced write — except an output's `early` messages (a coordinator's replica-puts), which the
 * node contract lets leave before the sync: at once, or, when the commit waits, as it starts (one
 * post per peer for all of the commit's replica-puts instead of one per task).
 *
 * Pause holds inputs (messages, requests, timer ticks) in a bounded queue until resume: a stalled
 * process whose peers keep sending. Messages already on the wire (delayed by the link) still land.
 *
 * Clock skew (`setClockSkew`) moves the node's one clock, as the simulator's `skew` fault does: the
 * timestamps it stamps versions with (what last-write-wins compares) and the deadlines of its timers.
 * The events it reports are put back on the page's clock, so the views place them where they
 * happened; a version's timestamp stays as the node stamped it.
 *
 * Link faults are applied here, at the sending side, from the link table the page pushes: a cut
 * link drops, a lossy one drops with its probability, a slow one holds the message for its delay.
 *
 * What one task sends to a peer leaves in one `postMessage` at the end of the task, or before a
 * sync (peerOutbox.ts). Messages sent, delivered and dropped are `message.*` events while the page
 * draws each message (classroom speed); at full speed they are counted per peer and type
 * (messageTally.ts) and the counts ride in the event batch instead. The same switch counts the
 * versions ordinary writes store and leaves out the trace events of requests the page does not
 * record (fullSpeedEvents.ts).
 */

import {
  type ClusterEvent,
  type DropReason,
  type Envelope,
  type FileSystem,
  healthyLink,
  isDiskFailure,
  isKvError,
  type KvReply,
  type KvRequest,
  type NodeId,
  type NodeInput,
  type NodeOutput,
  opNumberOf,
  type Rng,
  type StorageNode,
  validateEnvelope,
} from '@kvscope/engine';
import {
  type EventBatch,
  eventBatchIntervalMs,
  eventBatchLengthMax,
  type LinkTable,
  sharedNow,
} from '../shared/workerApi.ts';
import { FullSpeedEvents, isUntraceNote } from './fullSpeedEvents.ts';
import { freshHostStats, type HostStats } from './hostStats.ts';
import { hostTimeline } from './hostTimeline.ts';
import { MessageTally } from './messageTally.ts';
import { PeerOutbox } from './peerOutbox.ts';

/**
 * How long a busy node's commit waits for more writes to join it (ms). Each sync costs the worker and
 * the browser process ~80 µs of CPU whatever it carries, and the workers share two cores: with 64
 * puts in flight, waiting 1 ms instead of committing right behind the inputs already queued cut the
 * syncs per put from 0.53 to 0.30, and with them the CPU a put costs; puts per second rose in most
 * alternating A/B runs of bench:lab's throughput window (2026-11-26). Puts one at a time never
 * wait: each sync carries one write.
 */
export const commitDelayMs = 1;

/** Inputs held while paused; beyond this the oldest are dropped (a stalled process's full buffer). */
export const pausedInputsMax = 10_000;

export class LiveHost {
  readonly stats: HostStats = freshHostStats();
  private readonly ports = new Map<NodeId, MessagePort>();
  private links: LinkTable = {};
  private readonly linkRng: Rng;
  private batch: ClusterEvent[] = [];
  /** Per-message events (true) or per-peer counts in the batch (false); also for writes' stores. */
  private messageEvents = true;
  private readonly tally = new MessageTally();
  private readonly fullSpeed = new FullSpeedEvents();
  private readonly outbox = new PeerOutbox(this.stats);
  private droppedEvents = 0;
  private wakeTimer: ReturnType<typeof setTimeout> | null = null;
  private wakeAt: number | null = null;
  private readonly batchTimer: ReturnType<typeof setInterval>;
  private stopped = false;
  private paused = false;
  /** How far the node's clock runs ahead of the page's (negative: behind), in ms. */
  private skewMs = 0;
  private held: (() => void)[] = [];
  private tickHeld = false;
  /** Outputs waiting for the next group commit, in step order. */
  private pending: NodeOutput[] = [];
  /** When each pending output was stepped (`performance.now()`), for `heldMs`. */
  private pendingAt: number[] = [];
  /** How many pending outputs wait for a sync (writes); none means the commit need not sync. */
  private pendingWrites = 0;
  private flushScheduled = false;
  private commitScheduledAt = 0;
  /** When the last commit ended and how long its sync took (`performance.now()` ms). */
  private lastCommitEnd = Number.NEGATIVE_INFINITY;
  private lastSyncMs = 0;
  /** Early messages (replica-puts) held for the waiting commit, in step order. */
  private heldEarly: Envelope[] = [];
  /** How many writes the last sync made durable: more than one means writes arrive together. */
  private lastCommitWrites = 0;
  private readonly flushChannel = new MessageChannel();
  private readonly commitLater = () => this.groupCommit();
  /** The latest asynchronous durability wait (IndexedDB); later outputs queue behind it. */
  private durableTail: Promise<void> | null = null;
  private readonly waiting = new Map<string, (reply: KvReply) => void>();

  constructor(
    private readonly node: StorageNode,
    private readonly fs: FileSystem,
    private readonly eventsPort: MessagePort,
    rng: Rng,
    /** True when `node.sync()` alone makes writes durable (OPFS): a quiet node may commit inline. */
    private readonly durableOnSync = false,
  ) {
    this.linkRng = rng.fork('links');
    this.batchTimer = setInterval(() => this.flushEvents(), eventBatchIntervalMs);
    this.flushChannel.port1.onmessage = () => this.groupCommit();
  }

  start(recovered: boolean): void {
    this.emit({ type: 'node.started', at: sharedNow(), node: this.node.id, recovered });
    this.step({ type: 'start', now: this.clock() });
  }

  /** The node's clock: the page's, skewed. */
  clock(): number {
    return sharedNow() + this.skewMs;
  }

  /** Moves the node's clock to run `ms` ahead of the page's; a timer already set waits for its time. */
  setClockSkew(ms: number): void {
    this.skewMs = ms;
    const wakeAt = this.wakeAt;
    if (wakeAt === null) return;
    this.wakeAt = null;
    this.scheduleWake(wakeAt);
  }

  connect(peer: NodeId, port: MessagePort): void {
    this.ports.get(peer)?.close();
    this.ports.set(peer, port);
    // A peer posts the envelopes of one task as an array (peerOutbox.ts), a delayed one alone.
    port.onmessage = (event: MessageEvent) => {
      const data: unknown = event.data;
      if (!Array.isArray(data)) this.receive(data);
      else
        for (const raw of data) {
          if (isUntraceNote(raw)) this.fullSpeed.untrace(raw.untrace);
          else this.receive(raw);
        }
    };
  }

  setLinks(table: LinkTable): void {
    this.links = table;
  }

  setMessageEvents(on: boolean): void {
    this.messageEvents = on;
  }

  /**
   * Steps a client request; resolves with its reply once that reply has been released. `traced`
   * false: the page does not record it, so at full speed its trace events are left out.
   */
  request(request: KvRequest, traced = true): Promise<KvReply> {
    const t0 = performance.now();
    if (!traced) this.fullSpeed.untrace(request.requestId);
    return new Promise((resolve) => {
      this.waiting.set(request.requestId, (reply) => {
        this.stats.requests++;
        this.stats.requestMs += performance.now() - t0;
        resolve(reply);
      });
      this.input(() => {
        if (hostTimeline.on) hostTimeline.mark('request', request.type);
        this.step({ type: 'request', now: this.clock(), request });
      });
    });
  }

  configure(patch: Record<string, unknown>): void {
    this.step({ type: 'control', now: this.clock(), command: { type: 'configure', patch } });
  }

  pause(): void {
    if (this.paused || this.stopped) return;
    this.paused = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    this.tickHeld = this.wakeAt !== null;
    this.wakeAt = null;
    this.emit({ type: 'node.paused', at: sharedNow(), node: this.node.id });
  }

  resume(): void {
    if (!this.paused || this.stopped) return;
    this.paused = false;
    this.emit({ type: 'node.resumed', at: sharedNow(), node: this.node.id });
    const held = this.held;
    this.held = [];
    for (const input of held) input();
    if (this.tickHeld) this.step({ type: 'tick', now: this.clock() });
    this.tickHeld = false;
  }

  stop(): void {
    this.stopped = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    clearInterval(this.batchTimer);
    this.outbox.flush();
    this.flushEvents();
    for (const port of this.ports.values()) port.close();
    this.flushChannel.port1.close();
    this.node.close();
  }

  /**
   * The disk failure rule (engine node/contract.ts): the node found its own files damaged. It stops
   * at once — what it held back for a commit never leaves — and tells the page, which replaces its
   * disk (liveCluster.ts `diskFailed`).
   */
  private diskFailed(error: Error): void {
    this.emit({ type: 'node.disk-failed', at: sharedNow(), node: this.node.id, error: error.message });
    this.stop();
  }

  /** Runs an input now, or holds it while the node is paused. */
  private input(run: () => void): void {
    if (!this.paused) {
      run();
      return;
    }
    if (this.held.length >= pausedInputsMax) this.held.shift();
    this.held.push(run);
  }

  private receive(raw: unknown): void {
    if (this.stopped) return;
    this.input(() => {
      const now = sharedNow();
      const envelope = validateEnvelope(raw);
      if (isKvError(envelope)) {
        // Messages are data (DESIGN.md rule 8): an invalid one is dropped and counted, never thrown.
        const base = { at: now, node: this.node.id, to: this.node.id, id: -1 };
        this.emit({ type: 'message.dropped', ...base, msg: 'unknown', reason: 'invalid' });
        return;
      }
      const { from, id, body } = envelope;
      if (hostTimeline.on) hostTimeline.mark('message', body.type, from);
      if (this.messageEvents)
        this.emit({ type: 'message.delivered', at: now, node: this.node.id, from, id, msg: body.type });
      else this.tally.delivered(from, body.type);
      this.step({ type: 'message', now: this.clock(), envelope });
    });
  }

  private step(input: NodeInput): void {
    if (this.stopped) return;
    const t0 = performance.now();
    let out: NodeOutput;
    try {
      out = this.node.step(input);
    } catch (error) {
      if (!isDiskFailure(error)) throw error;
      this.diskFailed(error as Error);
      return;
    }
    if (hostTimeline.on) hostTimeline.mark('stepped');
    this.stats.steps++;
    const stepped = performance.now();
    const stepMs = stepped - t0;
    this.stats.stepMs += stepMs;
    if (stepMs > this.stats.stepMsMax) this.stats.stepMsMax = stepMs;
    for (const event of out.events)
      this.emit(this.skewMs === 0 ? event : { ...event, at: event.at - this.skewMs });
    this.scheduleWake(out.wakeAt);
    const releaseNow = !out.syncBeforeSend && this.pending.length === 0 && this.durableTail === null;
    // A coordinator's replica-puts leave before the sync: at once, so that the replicas flush while
    // this node does — or, when the commit will wait for more writes anyway, as the commit starts,
    // so that a commit's replica-puts reach each peer in one post rather than one per task.
    if (!releaseNow && this.lastCommitWrites > 1)
      for (const envelope of out.early ?? []) this.heldEarly.push(envelope);
    else for (const envelope of out.early ?? []) this.send(envelope);
    if (releaseNow) {
      this.release(out);
      return;
    }
    this.pending.push(out);
    // One clock reading serves the step's statistics (a few µs before the sends, well within noise).
    this.pendingAt.push(stepped);
    if (out.syncBeforeSend) this.pendingWrites++;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.commitScheduledAt = stepped;
      const quiet = stepped - this.lastCommitEnd > this.lastSyncMs;
      if (this.durableOnSync && quiet && this.durableTail === null) this.groupCommit();
      else if (this.lastCommitWrites > 1) setTimeout(this.commitLater, commitDelayMs);
      else this.flushChannel.port2.postMessage(null);
    }
  }

  /** One sync for every output stepped since the last commit, then everything leaves in order. */
  private groupCommit(): void {
    this.flushScheduled = false;
    if (this.stopped) return;
    this.stats.commitDelayMs += performance.now() - this.commitScheduledAt;
    const outputs = this.pending;
    const heldSince = this.pendingAt;
    const writes = this.pendingWrites;
    const sync = writes > 0;
    this.pending = [];
    this.pendingAt = [];
    this.pendingWrites = 0;
    const early = this.heldEarly;
    this.heldEarly = [];
    for (const envelope of early) this.send(envelope);
    if (sync) {
      // What was sent before the sync (a coordinator's early replica-puts) leaves before it blocks.
      this.outbox.flush();
      if (hostTimeline.on) hostTimeline.mark('sync');
      const t0 = performance.now();
      this.node.sync();
      if (hostTimeline.on) hostTimeline.mark('synced');
      this.lastCommitEnd = performance.now();
      this.lastSyncMs = this.lastCommitEnd - t0;
      this.stats.syncs++;
      this.stats.syncedOutputs += outputs.length;
      this.lastCommitWrites = writes;
      this.stats.syncMs += this.lastSyncMs;
      if (this.lastSyncMs > this.stats.syncMsMax) this.stats.syncMsMax = this.lastSyncMs;
    }
    const releaseAll = () => {
      if (this.stopped) return;
      const now = performance.now();
      for (const at of heldSince) this.stats.heldMs += now - at;
      this.stats.heldOutputs += outputs.length;
      for (const out of outputs) this.release(out);
    };
    if ((!sync || this.durableOnSync) && this.durableTail === null) {
      releaseAll();
      return;
    }
    // Asynchronous backends (IndexedDB) are durable only once `durable()` resolves: hold the output.
    const tail = (this.durableTail ?? Promise.resolve())
      .then(() => (sync ? this.fs.durable() : undefined))
      .then(releaseAll);
    this.durableTail = tail;
    void tail.finally(() => {
      if (this.durableTail === tail) this.durableTail = null;
    });
  }

  private release(out: NodeOutput): void {
    for (const envelope of out.messages) this.send(envelope);
    for (const reply of out.replies) {
      if (!('requestId' in reply) || reply.type === 'stats') continue;
      if (hostTimeline.on) hostTimeline.mark('reply', reply.type);
      const resolve = this.waiting.get(reply.requestId);
      this.waiting.delete(reply.requestId);
      resolve?.(reply);
    }
  }

  private send(envelope: Envelope): void {
    const port = this.ports.get(envelope.to);
    const link = this.links[envelope.to] ?? healthyLink;
    const reason = !port ? 'unknown-peer' : link.cut ? 'cut' : this.linkRng.chance(link.loss) ? 'loss' : null;
    if (reason || !port) {
      this.noteSend(envelope, reason ?? 'unknown-peer', link.delayMs);
      return;
    }
    this.noteSend(envelope, null, link.delayMs);
    if (link.delayMs > 0) {
      setTimeout(() => port.postMessage(envelope), link.delayMs);
      return;
    }
    const { body } = envelope;
    if (body.type === 'forward' && !this.messageEvents && this.fullSpeed.isUntraced(body.request.requestId))
      this.outbox.add(port, { untrace: body.request.requestId });
    this.outbox.add(port, envelope);
  }

  /** A message sent (`dropped` null) or dropped at the sender: an event, or a count at full speed. */
  private noteSend(envelope: Envelope, dropped: DropReason | null, delayMs: number): void {
    const { to, id, body } = envelope;
    if (!this.messageEvents) {
      if (dropped) this.tally.dropped(to, dropped);
      else this.tally.sent(to, body.type);
      return;
    }
    const opNumber = opNumberOf(body);
    const base = {
      at: sharedNow(),
      node: this.node.id,
      to,
      id,
      msg: body.type,
      ...(opNumber === undefined ? {} : { opNumber }),
    };
    if (dropped) this.emit({ type: 'message.dropped', ...base, reason: dropped });
    else this.emit({ type: 'message.sent', ...base, deliverAt: base.at + delayMs });
  }

  private scheduleWake(wakeAt: number | null): void {
    if (wakeAt === null || (this.wakeAt !== null && this.wakeAt <= wakeAt)) return;
    if (this.paused) {
      this.tickHeld = true;
      return;
    }
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeAt = wakeAt;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = null;
        this.wakeAt = null;
        this.step({ type: 'tick', now: this.clock() });
      },
      Math.max(0, wakeAt - this.clock()),
    );
  }

  private emit(event: ClusterEvent): void {
    if (!this.messageEvents && this.fullSpeed.absorbs(event)) return;
    this.stats.events++;
    if (this.batch.length >= eventBatchLengthMax) {
      this.batch.shift();
      this.droppedEvents++;
    }
    this.batch.push(event);
  }

  private flushEvents(): void {
    const messages = this.tally.take();
    const stored = this.fullSpeed.takeStored();
    if (this.batch.length === 0 && this.droppedEvents === 0 && !messages && stored === 0) return;
    const batch: EventBatch = { node: this.node.id, events: this.batch, dropped: this.droppedEvents };
    if (messages) batch.messages = messages;
    if (stored > 0) batch.stored = stored;
    this.batch = [];
    this.droppedEvents = 0;
    this.eventsPort.postMessage(batch);
  }
}
