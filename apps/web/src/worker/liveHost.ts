/**
 * The live driver of one node, inside its Web Worker: the counterpart of the simulator's host loop,
 * with real time and real ports.
 *
 *   port from peer ──validate──▶ node.step(message) ─▶ output
 *   timer (wakeAt) ───────────▶ node.step(tick)     ─▶ output
 *   output: sync if asked (await fs.durable()), then messages ─▶ link faults ─▶ port to peer
 *           events ─▶ batch ─▶ events port to the page
 *
 * Link faults are applied here, at the sending side, from the link table the page pushes: a cut
 * link drops, a lossy one drops with its probability, a slow one holds the message for its delay.
 */

import {
  type ClusterEvent,
  type Envelope,
  type FileSystem,
  healthyLink,
  isKvError,
  type NodeId,
  type NodeInput,
  type NodeOutput,
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

export class LiveHost {
  private readonly ports = new Map<NodeId, MessagePort>();
  private links: LinkTable = {};
  private readonly linkRng: Rng;
  private batch: ClusterEvent[] = [];
  private droppedEvents = 0;
  private wakeTimer: ReturnType<typeof setTimeout> | null = null;
  private wakeAt: number | null = null;
  private readonly batchTimer: ReturnType<typeof setInterval>;
  private stopped = false;

  constructor(
    private readonly node: StorageNode,
    private readonly fs: FileSystem,
    private readonly eventsPort: MessagePort,
    rng: Rng,
  ) {
    this.linkRng = rng.fork('links');
    this.batchTimer = setInterval(() => this.flushEvents(), eventBatchIntervalMs);
  }

  start(recovered: boolean): void {
    const now = sharedNow();
    this.emit({ type: 'node.started', at: now, node: this.node.id, recovered });
    this.step({ type: 'start', now });
  }

  connect(peer: NodeId, port: MessagePort): void {
    this.ports.get(peer)?.close();
    this.ports.set(peer, port);
    port.onmessage = (event: MessageEvent) => this.receive(event.data);
  }

  setLinks(table: LinkTable): void {
    this.links = table;
  }

  stop(): void {
    this.stopped = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    clearInterval(this.batchTimer);
    this.flushEvents();
    for (const port of this.ports.values()) port.close();
    this.node.close();
  }

  private receive(raw: unknown): void {
    if (this.stopped) return;
    const now = sharedNow();
    const envelope = validateEnvelope(raw);
    if (isKvError(envelope)) {
      // Messages are data (DESIGN.md rule 8): an invalid one is dropped and counted, never thrown.
      const base = { at: now, node: this.node.id, to: this.node.id, id: -1 };
      this.emit({ type: 'message.dropped', ...base, msg: 'unknown', reason: 'invalid' });
      return;
    }
    const { from, id, body } = envelope;
    this.emit({ type: 'message.delivered', at: now, node: this.node.id, from, id, msg: body.type });
    this.step({ type: 'message', now, envelope });
  }

  step(input: NodeInput): void {
    if (this.stopped) return;
    const out = this.node.step(input);
    for (const event of out.events) this.emit(event);
    if (out.syncBeforeSend) {
      this.node.sync();
      // Asynchronous backends (IndexedDB) are durable only once this resolves: hold the output.
      void this.fs.durable().then(() => this.dispatch(out));
    } else {
      this.dispatch(out);
    }
    this.scheduleWake(out.wakeAt);
  }

  private dispatch(out: NodeOutput): void {
    for (const envelope of out.messages) this.send(envelope);
  }

  private send(envelope: Envelope): void {
    const now = sharedNow();
    const port = this.ports.get(envelope.to);
    const link = this.links[envelope.to] ?? healthyLink;
    const base = { at: now, node: this.node.id, to: envelope.to, id: envelope.id, msg: envelope.body.type };
    const reason = !port ? 'unknown-peer' : link.cut ? 'cut' : this.linkRng.chance(link.loss) ? 'loss' : null;
    if (reason || !port) {
      this.emit({ type: 'message.dropped', ...base, reason: reason ?? 'unknown-peer' });
      return;
    }
    this.emit({ type: 'message.sent', ...base, deliverAt: now + link.delayMs });
    if (link.delayMs > 0) setTimeout(() => port.postMessage(envelope), link.delayMs);
    else port.postMessage(envelope);
  }

  private scheduleWake(wakeAt: number | null): void {
    if (wakeAt === null || (this.wakeAt !== null && this.wakeAt <= wakeAt)) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeAt = wakeAt;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = null;
        this.wakeAt = null;
        this.step({ type: 'tick', now: sharedNow() });
      },
      Math.max(0, wakeAt - sharedNow()),
    );
  }

  private emit(event: ClusterEvent): void {
    if (this.batch.length >= eventBatchLengthMax) {
      this.batch.shift();
      this.droppedEvents++;
    }
    this.batch.push(event);
  }

  private flushEvents(): void {
    if (this.batch.length === 0 && this.droppedEvents === 0) return;
    const batch: EventBatch = { node: this.node.id, events: this.batch, dropped: this.droppedEvents };
    this.batch = [];
    this.droppedEvents = 0;
    this.eventsPort.postMessage(batch);
  }
}
