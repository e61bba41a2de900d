/**
 * The page side of the live driver: one dedicated Worker per node, controlled with comlink, and a
 * MessageChannel between every pair of workers so node traffic never passes through the page.
 *
 *       page ──comlink──▶ worker n1 ◀──MessageChannel──▶ worker n2
 *        ▲                    │ events port                │
 *        └──── event batches ─┴────────────────────────────┘
 *
 * Killing a node terminates its worker (a real crash: the peers' ports to it go dead); restarting
 * it starts a fresh worker and gives it and every live peer a new channel.
 */

import type { NodeId } from '@kvscope/engine';
import * as Comlink from 'comlink';
import type { EventBatch, LinkTable, NodeWorkerApi } from '../shared/workerApi.ts';
import { sharedNow } from '../shared/workerApi.ts';
import { applyEvents, type LabStore, setNodeStatus } from './labStore.ts';

interface Running {
  worker: Worker;
  api: Comlink.Remote<NodeWorkerApi>;
}

export class LiveCluster {
  private readonly running = new Map<NodeId, Running>();

  constructor(
    readonly ids: readonly NodeId[],
    private readonly store: LabStore,
    private readonly seed: number,
  ) {}

  /** Spawns and connects every worker first, then starts the nodes, so no first message is lost. */
  async startAll(): Promise<void> {
    const starts: (() => Promise<void>)[] = [];
    for (const id of this.ids) starts.push(await this.spawn(id));
    await Promise.all(starts.map((start) => start()));
  }

  isRunning(id: NodeId): boolean {
    return this.running.has(id);
  }

  /** Terminates the node's worker: a crash, with no chance to clean up. */
  kill(id: NodeId): void {
    const node = this.running.get(id);
    if (!node) return;
    node.worker.terminate();
    this.running.delete(id);
    this.store.setState((s) =>
      setNodeStatus(s, id, 'crashed', sharedNow(), `${id} killed (worker terminated)`),
    );
  }

  async restart(id: NodeId): Promise<void> {
    if (this.running.has(id)) return;
    this.store.setState((s) =>
      setNodeStatus(s, id, 'starting', sharedNow(), `${id} restarting in a new worker`),
    );
    const start = await this.spawn(id);
    await start();
  }

  /** Sets the one-way delay of every link (the "network speed" of the lab). */
  async setLinkDelay(delayMs: number): Promise<void> {
    this.store.setState({ linkDelayMs: delayMs });
    await Promise.all([...this.running.keys()].map((id) => this.pushLinks(id)));
  }

  stopAll(): void {
    for (const id of [...this.running.keys()]) this.kill(id);
  }

  private linkTable(from: NodeId): LinkTable {
    const delayMs = this.store.getState().linkDelayMs;
    const table: LinkTable = {};
    for (const to of this.ids) if (to !== from) table[to] = { cut: false, delayMs, loss: 0 };
    return table;
  }

  private async pushLinks(id: NodeId): Promise<void> {
    await this.running.get(id)?.api.setLinks(this.linkTable(id));
  }

  /** Creates the node's worker and its channels to every running peer; returns the start step. */
  private async spawn(id: NodeId): Promise<() => Promise<void>> {
    const worker = new Worker(new URL('../worker/node.worker.ts', import.meta.url), {
      type: 'module',
      name: id,
    });
    const api = Comlink.wrap<NodeWorkerApi>(worker);
    const events = new MessageChannel();
    events.port1.onmessage = (e: MessageEvent<EventBatch>) =>
      this.store.setState((s) => applyEvents(s, e.data.events, e.data.dropped));
    const peers = this.ids.filter((p) => p !== id);
    this.running.set(id, { worker, api });
    await api.setLinks(this.linkTable(id));
    for (const peer of peers) {
      const other = this.running.get(peer);
      if (!other) continue;
      const channel = new MessageChannel();
      await api.connect(peer, Comlink.transfer(channel.port1, [channel.port1]));
      await other.api.connect(id, Comlink.transfer(channel.port2, [channel.port2]));
    }
    const options = { id, peers, seed: this.seed, config: {}, events: events.port2 };
    return () => api.start(Comlink.transfer(options, [events.port2]));
  }
}
