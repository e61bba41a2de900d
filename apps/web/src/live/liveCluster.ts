/**
 * The page side of the live driver: one dedicated Worker per node running the real key-value node,
 * controlled with comlink, and a MessageChannel between every pair of workers so node traffic never
 * passes through the page.
 *
 *       page ──comlink──▶ worker n1 ◀──MessageChannel──▶ worker n2
 *        ▲                    │ events port                │
 *        └──── event batches ─┴────────────────────────────┘
 *
 * Node faults: kill terminates the worker (a real crash: the peers' ports to it go dead); restart
 * starts a fresh worker on the same files (a recovery); wipe terminates it and starts one that
 * deletes the node's folder first (a lost disk); pause holds the worker's inputs; a clock skew
 * moves the node's clock (clocks.ts) and stays through its restarts, as a machine's clock would.
 * Network faults are a `NetworkFaults` value in the store (each change made in linkFaults.ts),
 * turned into a link table per worker on every change.
 * Every fault is put on the store's timeline. Membership changes (add, remove, the autoscaler) are
 * driven by `membership` (membershipChanges.ts) through `startJoiner`, `configureNode` and `retire`.
 * Spawning and starting one node's worker is nodeStartup.ts.
 */

import type { KvReply, KvRequest, NodeId } from '@kvscope/engine';
import { type EventBatch, type StoredVersions, sharedNow } from '../shared/workerApi.ts';
import { LiveAutoscaler } from './autoscaler.ts';
import { BatchFold } from './batchFold.ts';
import { clockSkewText, withSkew } from './clocks.ts';
import { assignDataCentres, dataCentreMap, interDcDelayMs, layoutChanged } from './dataCentres.ts';
import {
  addMarker,
  type FaultKind,
  freshNodes,
  type LabStore,
  patchNode,
  type ScenarioFault,
  setNodeStatus,
} from './labStore.ts';
import {
  healChange,
  type LinkFaultChange,
  linkEnds,
  lossyLinkChange,
  oneWayCutChange,
  partitionChange,
  slowLinkChange,
} from './linkFaults.ts';
import { initialMembership } from './membership.ts';
import { MembershipChanges } from './membershipChanges.ts';
import { linkTable, type NetworkFaults, noFaults } from './network.ts';
import { messageEventsFor, readCrashedDisk, type StartupContext, spawnNode } from './nodeStartup.ts';
import { RunningNodes } from './runningNodes.ts';
import {
  type ClusterSettings,
  forgetStarts,
  nodeTimersFor,
  saveSettings,
  settingsProblem,
  settingsSentence,
} from './settings.ts';

export class LiveCluster {
  private readonly running = new RunningNodes();
  /** Serialises restarts, wipes and resets: a node folder must have one owner at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly folds: BatchFold;
  /** Adding and removing nodes, for the buttons and the autoscaler. */
  readonly membership: MembershipChanges;
  readonly autoscaler: LiveAutoscaler;
  /** What nodeStartup.ts needs to start a node's worker. */
  private readonly startup: StartupContext;

  constructor(
    private readonly store: LabStore,
    seed: number,
  ) {
    this.folds = new BatchFold(store);
    this.membership = new MembershipChanges(this, store);
    this.autoscaler = new LiveAutoscaler(store, this.membership);
    this.startup = {
      store,
      seed,
      running: this.running,
      ids: () => this.ids,
      pushLinks: (id) => this.pushLinks(id),
      pushAllLinks: () => this.pushAllLinks(),
      enqueue: (batch) => this.enqueue(batch),
      died: (id, worker, message) => this.died(id, worker, message),
      diskFailed: (id, worker, error) => this.diskFailed(id, worker, error),
      diskReplaced: (id, error) => {
        this.mark('wipe', diskFailedText(id, error), [id]);
        this.membership.leaverWiped(id);
      },
    };
  }

  get ids(): readonly NodeId[] {
    return this.store.getState().order;
  }

  /** Spawns and connects every worker first, then starts the nodes, so no first message is lost. */
  startAll(options: { wipe?: boolean } = {}): Promise<void> {
    return this.serially(() => this.startEvery(options.wipe ?? false));
  }

  /** `startAll` within a task of the queue (`serially`): a node already running keeps its one worker. */
  private async startEvery(wipe: boolean): Promise<void> {
    const starts: (() => Promise<boolean>)[] = [];
    for (const id of this.ids)
      if (!this.running.has(id)) starts.push(await spawnNode(this.startup, id, wipe));
    await Promise.all(starts.map((start) => start()));
  }

  isRunning(id: NodeId): boolean {
    return this.running.has(id);
  }

  /** Running nodes that serve requests: up, and neither joining nor leaving. */
  liveIds(): NodeId[] {
    const { nodes, membership } = this.store.getState();
    const changing = [...membership.joining, ...membership.leaving];
    return this.ids.filter(
      (id) => this.running.has(id) && nodes[id]?.status === 'up' && !changing.includes(id),
    );
  }

  /** A client request coordinated by `id` (`traced`: the page records it); rejects if `id` is down. */
  request(id: NodeId, request: KvRequest, traced = true): Promise<KvReply> {
    const node = this.running.get(id);
    if (!node) return Promise.reject(new Error(`${id} is not running`));
    this.autoscaler.countRequest(id);
    return new Promise((resolve) => {
      node.waiting.set(request.requestId, resolve);
      node.send(request, traced);
    });
  }

  snapshot(id: NodeId) {
    return this.running.ask(id, (api) => api.snapshot(), null);
  }

  /** What `id` has stored for each of `keys` now (null when its worker is not running, or dies first). */
  storedVersions(id: NodeId, keys: readonly string[]): Promise<StoredVersions[] | null> {
    return this.running.ask(id, (api) => api.storedVersions(keys), null).catch(() => null);
  }

  /**
   * What a crashed node's files hold for each of `keys`, read without restarting it (a copy opened
   * in a worker of its own); null when `id` is not crashed or its files cannot be read. Queued with
   * starts, so a restart waits for the read to let go of the files.
   */
  storedVersionsOnDisk(id: NodeId, keys: readonly string[]): Promise<StoredVersions[] | null> {
    return this.serially(async () => {
      const crashed = !this.running.has(id) && this.store.getState().nodes[id]?.status === 'crashed';
      return crashed ? readCrashedDisk(this.startup, id, keys) : null;
    });
  }

  /** Terminates the node's worker: a crash, with no chance to clean up. */
  kill(id: NodeId): void {
    if (!this.running.terminate(id)) return;
    this.membership.interrupted(id);
    this.markNode('kill', id, `${id} killed (worker terminated)`);
    this.store.setState((s) => setNodeStatus(s, id, 'crashed', sharedNow()));
  }

  restart(id: NodeId): Promise<void> {
    if (this.running.has(id)) return Promise.resolve();
    this.markNode('restart', id, `${id} restarting in a new worker (recovering from its files)`);
    return this.serially(async () => {
      if (this.running.has(id)) return; // started meanwhile (a whole-cluster restart before it)
      await this.startOne(id, false);
      // Nodes gone while it was down (a cancelled join, a departure): ranges it fenced for them
      // are its own again (engine rangeFences.ts).
      for (const gone of this.store.getState().membership.retired)
        await this.configureNode(id, { nodeGone: gone });
    });
  }

  /** Terminates the node and starts it on an empty disk: a permanent failure. */
  wipe(id: NodeId, why?: string): Promise<void> {
    this.running.terminate(id);
    // An operator's wipe is a scenario fault; a disk replaced after a failure follows from one.
    if (why) this.mark('wipe', why, [id]);
    else this.markNode('wipe', id, `${id}'s disk wiped: it restarts empty`);
    this.store.setState((s) => patchNode(s, id, { stored: 0, delivered: 0 }));
    return this.serially(() => {
      this.running.terminate(id); // started meanwhile (a whole-cluster restart before it)
      return this.startOne(id, true);
    }).then(() => this.membership.leaverWiped(id));
  }

  /**
   * Bit rot on purpose (the inspector's button): one bit of the node's largest table flipped on disk.
   * Its checksum finds it when the block is next read from the file — at the latest when the node
   * restarts and its start-up scans read every table — and the node's disk is then replaced.
   */
  async corruptTable(id: NodeId): Promise<void> {
    const hit = await this.running.ask(id, (api) => api.corruptTable(), null);
    if (hit) this.markNode('corrupt', id, `${id}: one bit flipped at byte ${hit.at} of table ${hit.table}`);
  }

  pause(id: NodeId): void {
    const node = this.running.get(id);
    if (!node || this.store.getState().nodes[id]?.status === 'paused') return;
    this.markNode('pause', id, `${id} paused`);
    void node.api.pause();
  }

  resume(id: NodeId): void {
    const node = this.running.get(id);
    if (!node || this.store.getState().nodes[id]?.status !== 'paused') return;
    this.markNode('resume', id, `${id} resumed`);
    void node.api.resume();
  }

  /**
   * Sets the node's clock `ms` ahead of the page's (negative: behind; 0: right). A node that is not
   * running takes it when it starts.
   */
  setClockSkew(id: NodeId, ms: number): void {
    if ((this.store.getState().clockSkews[id] ?? 0) === ms) return;
    this.mark('skew', clockSkewText(id, ms), [id], [{ type: 'skew', node: id, ms }]);
    this.store.setState((s) => ({
      clockSkews: withSkew(s.clockSkews, id, ms),
      clockBehindMaxMs: Math.max(s.clockBehindMaxMs, -ms),
    }));
    void this.running.ask(id, (api) => api.setClockSkew(ms), null);
  }

  /**
   * Stops every worker, wipes every node's files, and starts a fresh cluster. Whole-cluster restarts
   * (this, new settings) run in the queue like every start: a second one (a double click, a lesson's
   * next set-up) waits for the one under way instead of stopping and starting the workers under it.
   */
  reset(): Promise<void> {
    return this.serially(() => this.resetNow());
  }

  private resetNow(): Promise<void> {
    for (const id of this.ids) this.running.terminate(id);
    const { joining, retired } = this.store.getState().membership;
    const order = this.ids.filter((id) => !joining.includes(id));
    const membership = initialMembership(order, retired);
    this.store.setState({
      faults: noFaults,
      clockSkews: {},
      nodes: freshNodes(order),
      flights: {},
      linkCounts: {},
      exchanges: [],
    });
    this.store.setState((s) => ({ order, membership, clusterWipes: s.clusterWipes + 1 }));
    this.mark('reset', 'cluster reset: every disk wiped, every node restarted empty', [...this.ids]);
    forgetStarts(); // no data is left anywhere: nodes may write under their plain ids again
    return this.startEvery(true);
  }

  /**
   * Restarts every worker with new settings (the data stays on disk, except when the data-centre
   * layout changes: dataCentres.ts `layoutChanged`). Returns a refusal sentence.
   */
  applySettings(settings: ClusterSettings): Promise<string | null> {
    return this.serially(() => this.restartWith(settings));
  }

  private async restartWith(settings: ClusterSettings): Promise<string | null> {
    const { membership } = this.store.getState();
    const changing = [...membership.joining, ...membership.leaving][0];
    if (changing) return `${changing} is still moving its ranges; apply the settings once it has finished.`;
    const problem = settingsProblem({ ...settings, nodes: this.ids.length });
    if (problem) return problem;
    // Every node restarts: its buttons are off from now, not only once the old workers have stopped,
    // so that a kill or a pause clicked meanwhile is not taken by a worker about to go.
    this.store.setState((s) => ({
      nodes: Object.fromEntries(
        Object.entries(s.nodes).map(([id, node]) => [id, { ...node, status: 'starting' }]),
      ),
    }));
    await Promise.all([...this.running.keys()].map((id) => this.running.stopGracefully(id)));
    const order = [...this.ids];
    // Two data centres: the first ⌈n/2⌉ nodes in west, the rest in east (dataCentres.ts).
    const nodeDc = settings.dataCentres === 2 ? assignDataCentres(order) : {};
    const wipe = layoutChanged(this.store.getState().settings, { ...settings, nodeDc }, order);
    saveSettings({ ...settings, nodeDc });
    this.store.setState((s) => ({
      settings: { ...settings, nodes: order.length, nodeDc },
      nodes: freshNodes(order),
      flights: {},
      clusterWipes: s.clusterWipes + (wipe ? 1 : 0),
    }));
    const how = wipe ? ' on an empty disk (a new data-centre layout)' : '';
    this.mark('settings', `settings: ${settingsSentence(settings)} — every node restarted${how}`, [...order]);
    if (wipe) forgetStarts();
    await this.startEvery(wipe);
    return null;
  }

  /** Sets the one-way delay of every link (the "network speed"); the request timeout and gossip timers follow. */
  async setLinkDelay(delayMs: number): Promise<void> {
    this.store.setState({ linkDelayMs: delayMs, flights: {} });
    const patch = nodeTimersFor(delayMs);
    const messageEvents = messageEventsFor(delayMs);
    await this.running.askAll((api) =>
      Promise.all([api.configure(patch), api.setMessageEvents(messageEvents)]),
    );
    await this.pushAllLinks();
  }

  /** Splits the cluster into groups (`groups[id]` = group number); links between groups are cut. */
  partition(groups: Record<string, number>, label?: string, kind?: FaultKind): Promise<void> {
    return this.changeLinks(partitionChange(this.store.getState().faults, groups, this.ids, label, kind));
  }

  cutOneWay(from: NodeId, to: NodeId): Promise<void> {
    return this.changeLinks(oneWayCutChange(this.store.getState().faults, from, to));
  }

  /** Adds `extraMs` to the link between `a` and `b` (both ways), or to every link when `a` is '*'. */
  slowLink(a: NodeId | '*', b: NodeId | null, extraMs: number): Promise<void> {
    const { faults, linkDelayMs } = this.store.getState();
    return this.changeLinks(slowLinkChange(faults, linkEnds(a, b, this.ids), extraMs, linkDelayMs));
  }

  lossyLink(a: NodeId | '*', b: NodeId | null, loss: number): Promise<void> {
    return this.changeLinks(lossyLinkChange(this.store.getState().faults, linkEnds(a, b, this.ids), loss));
  }

  /**
   * Asks every running node to compare its Merkle trees with its replicas' now (anti-entropy's
   * `trigger`, through the node's configure control `{ antiEntropy: 'trigger' }`) instead of
   * waiting for the next background round: what repairs a wiped disk.
   */
  async repairNow(): Promise<void> {
    this.mark('repair', 'repair now: every node compares its Merkle trees with its replicas', []);
    await this.running.askAll((api) => api.configure({ antiEntropy: 'trigger' }));
  }

  /** Heals every network fault, resumes every paused node and sets every clock right. */
  async healAll(): Promise<void> {
    const paused = this.ids.filter((id) => this.store.getState().nodes[id]?.status === 'paused');
    const healed = this.changeLinks(healChange(paused));
    for (const id of paused) this.resumeQuietly(id);
    for (const id of Object.keys(this.store.getState().clockSkews)) this.setClockSkew(id as NodeId, 0);
    await healed;
  }

  stopAll(): void {
    this.autoscaler.stop();
    for (const id of [...this.running.keys()]) this.running.terminate(id);
  }

  /** Starts a new node on an empty disk as a joiner (`membership` put it in `order` and `joining`). */
  startJoiner(id: NodeId): Promise<void> {
    // A whole-cluster restart queued before it may have started it with the others already.
    return this.serially(async () => {
      if (!this.running.has(id)) await this.startOne(id, true);
    });
  }

  /** Sends the node an operator command (`{ decommission: true }`). */
  async configureNode(id: NodeId, patch: Record<string, unknown>): Promise<void> {
    await this.running.ask(id, (api) => api.configure(patch), null);
  }

  /** Closes and terminates a node that left (or a cancelled joiner) and drops it from every view. */
  retire(id: NodeId): Promise<void> {
    return this.serially(async () => {
      await this.running.stopGracefully(id);
      this.store.setState((s) => {
        const { [id]: _node, ...nodes } = s.nodes;
        const { [id]: _snapshot, ...snapshots } = s.snapshots;
        const selection = s.selection.node === id ? { ...s.selection, node: null } : s.selection;
        const clockSkews = withSkew(s.clockSkews, id, 0);
        return { order: s.order.filter((m) => m !== id), nodes, snapshots, selection, clockSkews };
      });
    });
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────────

  private resumeQuietly(id: NodeId): void {
    if (this.store.getState().nodes[id]?.status === 'paused') void this.running.get(id)?.api.resume();
  }

  private enqueue(batch: EventBatch): void {
    this.folds.add(batch);
    this.membership.observe(batch.events);
  }

  /** Puts an action on the timeline; `scenario`: the same action as scenario faults, if it has any. */
  private mark(kind: FaultKind, label: string, nodes: NodeId[], scenario?: ScenarioFault[]): void {
    this.store.setState((s) => addMarker(s, kind, label, nodes, sharedNow(), scenario));
  }

  /** A fault of one node: on the timeline, and as the scenario fault of the same name. */
  private markNode(
    kind: 'kill' | 'restart' | 'pause' | 'resume' | 'wipe' | 'corrupt',
    id: NodeId,
    label: string,
  ) {
    const fault: ScenarioFault =
      kind === 'kill' ? { type: kind, node: id, mode: 'process' } : { type: kind, node: id };
    this.mark(kind, label, [id], [fault]);
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => {});
    return next;
  }

  /** Applies a network fault (linkFaults.ts): on the timeline, in the store, in every link table. */
  private changeLinks({ faults, kind, label, nodes, scenario }: LinkFaultChange): Promise<void> {
    this.mark(kind, label, nodes, scenario);
    return this.setFaults(faults);
  }

  private async setFaults(faults: NetworkFaults): Promise<void> {
    this.store.setState({ faults });
    await this.pushAllLinks();
  }

  private async pushAllLinks(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.pushLinks(id)));
  }

  private async pushLinks(id: NodeId): Promise<void> {
    const { faults, linkDelayMs, settings } = this.store.getState();
    const dcOf = dataCentreMap(settings, this.ids);
    const interDc = dcOf && { dcOf, extraMs: interDcDelayMs(linkDelayMs) };
    await this.running.ask(
      id,
      (api) => api.setLinks(linkTable(faults, linkDelayMs, id, this.ids, interDc)),
      null,
    );
  }

  private async startOne(id: NodeId, wipe: boolean): Promise<void> {
    this.store.setState((s) => setNodeStatus(s, id, 'starting', sharedNow()));
    const start = await spawnNode(this.startup, id, wipe);
    // A kill while it started has already told the membership changes (`interrupted`).
    if ((await start()) && !wipe) this.membership.started(id); // a wiped node is asked by `wipe` itself
  }

  /**
   * The disk failure rule (engine node/contract.ts): the node found its files damaged (a checksum
   * failed) and stopped; its disk is replaced, as an operator would: erased, and the node restarts
   * empty and recovers as any wiped node.
   */
  private diskFailed(id: NodeId, worker: Worker, error: string): void {
    if (this.running.get(id)?.worker !== worker) return;
    void this.wipe(id, diskFailedText(id, error));
  }

  private died(id: NodeId, worker: Worker, message: string): void {
    if (this.running.get(id)?.worker !== worker) return;
    this.running.terminate(id);
    this.membership.interrupted(id);
    this.store.setState((s) => setNodeStatus(s, id, 'crashed', sharedNow()));
    this.store.setState((s) => patchNode(s, id, { error: message }));
  }
}

/** The fault timeline's line when a node found its own files damaged and its disk was replaced. */
function diskFailedText(id: NodeId, error: string): string {
  return `${id} found its disk damaged (${error}): its disk is erased and it restarts empty`;
}
