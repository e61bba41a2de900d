/**
 * Adding and removing nodes in the live lab (SPEC 1.7, §2 "add/remove node"), for the buttons and
 * the autoscaler alike.
 *
 *   add:     next free id ─▶ new Worker, ports to every running worker, started as a joiner
 *            (`join: true`): it pulls every range it will own from each old replica, then announces
 *            itself ─▶ `rebalance.finished` (bootstrap) ─▶ saved member list, log sentence
 *   remove:  configure {decommission: true} ─▶ it pushes every range it loses to the nodes that gain
 *            them, delivers its hints, announces `left` ─▶ `rebalance.finished` (decommission) ─▶
 *            every running member's ring has dropped it (or a timeout) ─▶ its worker is closed and
 *            terminated, its files deleted, the views drop it, the member list is saved
 *
 * With two data centres a new node goes to the one with fewer nodes (its member entry carries that
 * data centre, saved with the settings), and a removal that would leave a data centre with fewer
 * nodes than its replicas is refused.
 *
 * A change is refused with a sentence when it cannot work (membership.ts). Removing a node that is
 * still joining cancels the join: no one routes to a joiner before it announces itself. A leaving
 * node that crashes resumes its hand-over when restarted (the engine saves that it was leaving).
 */

import type { ClusterEvent, NodeId } from '@kvscope/engine';
import { sharedNow } from '../shared/workerApi.ts';
import { dataCentreForJoiner, dataCentreMap } from './dataCentres.ts';
import { beliefMatrix, nodeVerdict } from './gossip.ts';
import { addMarker, type FaultKind, freshNodes, type LabStore, type ScenarioFault } from './labStore.ts';
import type { LiveCluster } from './liveCluster.ts';
import {
  type Availability,
  addProblem,
  type ChangeSummary,
  describeJoin,
  describeLeave,
  nextNodeId,
  type RebalanceTotals,
  removeProblem,
  saveMembers,
  summariseChange,
} from './membership.ts';
import { deleteNodeFiles } from './nodeFiles.ts';
import { saveSettings } from './settings.ts';

/**
 * After a leaving node has handed its ranges over, the page waits at most this long (plus four link
 * delays) for every running member to drop it from its ring before terminating its worker: its
 * `left` announcement must leave the worker first.
 */
export const leaveSettleMs = 3_000;

interface Leaving {
  id: NodeId;
  summary: ChangeSummary;
  totals: RebalanceTotals | null;
  /** Running members whose ring has dropped it. */
  dropped: Set<NodeId>;
  timer: ReturnType<typeof setTimeout> | null;
  /** Wiped while leaving: asked again until it accepts (it refuses while it catches up). */
  askedAgain: boolean;
}

/** How soon a wiped leaver that refused is asked to leave again (as the simulator's nemesis does). */
const askAgainMs = 500;

export class MembershipChanges {
  private leavingNow: Leaving | null = null;

  constructor(
    private readonly cluster: LiveCluster,
    private readonly store: LabStore,
  ) {}

  /** Each node's availability: the page's own knowledge combined with the live failure detectors. */
  states(): Record<string, Availability> {
    const { order, nodes, snapshots } = this.store.getState();
    const matrix = beliefMatrix(order, snapshots);
    return Object.fromEntries(order.map((id) => [id, nodeVerdict(id, nodes[id], matrix).state]));
  }

  addProblem(): string | null {
    return addProblem(this.store.getState().membership, this.states());
  }

  removeProblem(id: NodeId): string | null {
    const { membership, settings } = this.store.getState();
    if (membership.joining.includes(id)) return null;
    const dcOf = dataCentreMap(settings, membership.ring);
    const dc = dcOf?.[id];
    if (dcOf && dc) {
      const left = Object.entries(dcOf).filter(([m, d]) => d === dc && m !== id).length;
      const wanted = settings.replicasPerDc[dc];
      if (left < wanted)
        return `Removing ${id} would leave ${dc} with ${left} node${left === 1 ? '' : 's'} for ${wanted} replicas of every key.`;
    }
    return removeProblem(membership, id, settings.n, this.states());
  }

  /** Starts a new node as a joiner; returns a refusal sentence, or null once it is under way. */
  add(by = ''): string | null {
    const problem = this.addProblem();
    if (problem) return problem;
    const { order, membership } = this.store.getState();
    const id = nextNodeId(order, membership.retired);
    const { settings } = this.store.getState();
    const dc = settings.dataCentres === 2 ? dataCentreForJoiner(settings, order) : null;
    if (dc) {
      const next = { ...settings, nodeDc: { ...settings.nodeDc, [id]: dc } };
      this.store.setState({ settings: next });
      saveSettings(next);
    }
    this.store.setState((s) => ({
      order: [...s.order, id],
      nodes: { ...s.nodes, ...freshNodes([id]) },
      membership: { ...s.membership, joining: [id] },
    }));
    const who = by ? `${by}: ` : '';
    this.note(
      'add',
      `${who}${id} joining${dc ? ` ${dc}` : ''}: it pulls the ranges it will own from their replicas, then serves`,
      [id],
      [{ type: 'join', node: id }],
    );
    void this.cluster.startJoiner(id);
    return null;
  }

  /** Decommissions `id` (or cancels its join); returns a refusal sentence, or null once under way. */
  remove(id: NodeId, by = ''): string | null {
    const { membership, settings } = this.store.getState();
    if (membership.joining.includes(id)) {
      this.cancelJoin(id);
      return null;
    }
    const problem = this.removeProblem(id);
    if (problem) return problem;
    const after = membership.ring.filter((m) => m !== id);
    const summary = summariseChange(membership.ring, after, id, settings.n, settings.virtualNodes);
    this.leavingNow = { id, summary, totals: null, dropped: new Set(), timer: null, askedAgain: false };
    this.store.setState((s) => ({ membership: { ...s.membership, leaving: [id] } }));
    const who = by ? `${by}: ` : '';
    const to = summary.counterparts.join(', ');
    this.note(
      'remove',
      `${who}${id} decommissioning: it hands its ranges to ${to}, then leaves`,
      [id],
      [{ type: 'decommission', node: id, force: false }],
    );
    void this.cluster.configureNode(id, { decommission: true });
    return null;
  }

  /** Reads every batch of engine events for the ends of the change in progress. */
  observe(events: readonly ClusterEvent[]): void {
    const { joining, leaving } = this.store.getState().membership;
    if (joining.length === 0 && leaving.length === 0) return;
    for (const event of events) {
      if (event.type === 'rebalance.finished' && event.kind === 'bootstrap' && joining.includes(event.node))
        this.joined(event.node, event);
      else if (event.type === 'rebalance.finished' && event.kind === 'decommission')
        this.handedOver(event.node, event);
      else if (event.type === 'rebalance.refused') this.refused(event.node, event.error);
      else if (event.type === 'ring.changed') this.ringDropped(event.node, event.removed);
    }
  }

  /**
   * The node crashed or was killed mid-change. Either way the change stays in progress: a joiner
   * restarted bootstraps again, and a leaving node restarted takes its hand-over up again (its disk
   * records that it was leaving), so the page keeps waiting for it.
   */
  interrupted(id: NodeId): void {
    if (this.leavingNow?.id !== id || this.leavingNow.totals) return;
    if (this.leavingNow.askedAgain) {
      this.note('remove', `${id} stopped before it took up leaving again; restarted, it is asked again`, [
        id,
      ]);
      return;
    }
    this.note(
      'remove',
      `${id} stopped while handing its ranges over; restart it and it takes the hand-over up again from its disk`,
      [id],
    );
  }

  /**
   * The leaving node's disk was wiped (by hand, or replaced after damage). Its disk held that it was
   * leaving, so it restarts as a plain member: as an operator would, and as the simulator's nemesis
   * does, the page asks it again — every `askAgainMs` while it refuses — so that the change ends.
   */
  leaverWiped(id: NodeId): void {
    const leaving = this.leavingNow;
    if (leaving?.id !== id || leaving.totals) return;
    leaving.askedAgain = true;
    this.note('remove', `${id} was wiped while leaving: it is asked to leave again`, [id]);
    this.askAgain(id);
  }

  /**
   * A node started again (restarted, or with the whole cluster). A leaver that was wiped and has not
   * taken up leaving again has nothing on disk that says it is leaving, and the page's asks stopped
   * while it was down (each goes to a running node or nowhere), so it is asked again now (monkey
   * stream 692: killed while it refused, rebuilding, it came back a plain member and the leave
   * never ended).
   */
  started(id: NodeId): void {
    if (this.leavingNow?.askedAgain) this.askAgain(id);
  }

  private askAgain(id: NodeId): void {
    if (this.leavingNow?.id !== id || this.leavingNow.totals) return;
    void this.cluster.configureNode(id, { decommission: true, force: true });
  }

  /** Puts an operator action on the timeline and in the log (with the fault a saved session replays). */
  note(kind: FaultKind, label: string, nodes: NodeId[], scenario?: ScenarioFault[]): void {
    this.store.setState((s) => addMarker(s, kind, label, nodes, sharedNow(), scenario));
  }

  private joined(id: NodeId, totals: RebalanceTotals): void {
    const { membership, settings } = this.store.getState();
    const after = membership.ring.includes(id) ? membership.ring : [...membership.ring, id];
    const before = after.filter((m) => m !== id);
    const summary = summariseChange(before, after, id, settings.n, settings.virtualNodes);
    this.store.setState((s) => ({
      membership: { ...s.membership, joining: [] },
      settings: { ...s.settings, nodes: s.order.length },
    }));
    this.save();
    this.note('add', describeJoin(id, summary, totals), [id]);
  }

  private handedOver(id: NodeId, totals: RebalanceTotals): void {
    const leaving = this.leavingNow;
    if (leaving?.id !== id || leaving.totals) return;
    leaving.totals = totals;
    const { linkDelayMs } = this.store.getState();
    leaving.timer = setTimeout(() => void this.retire(), leaveSettleMs + 4 * linkDelayMs);
    this.retireOnceKnown();
  }

  private ringDropped(reporter: NodeId, removed: readonly NodeId[]): void {
    const leaving = this.leavingNow;
    if (!leaving || !removed.includes(leaving.id)) return;
    leaving.dropped.add(reporter);
    this.retireOnceKnown();
  }

  /** Retires the leaving node once it has handed over and every running member has dropped it. */
  private retireOnceKnown(): void {
    const leaving = this.leavingNow;
    if (!leaving?.totals) return;
    const others = this.cluster.liveIds().filter((m) => m !== leaving.id);
    if (others.every((m) => leaving.dropped.has(m))) void this.retire();
  }

  private refused(id: NodeId, error: string): void {
    if (this.leavingNow?.id !== id) return;
    if (this.leavingNow.askedAgain) {
      setTimeout(() => this.askAgain(id), askAgainMs);
      return;
    }
    this.clearLeaving();
    this.note('remove', `${id}'s decommission refused: ${error}`, [id]);
  }

  /** The leaving node has handed everything over and its peers know: stop it and forget it. */
  private async retire(): Promise<void> {
    const leaving = this.leavingNow;
    if (!leaving?.totals) return;
    this.clearLeaving();
    const { id, summary, totals } = leaving;
    await this.retireWorker(id);
    this.store.setState((s) => ({
      membership: {
        ...s.membership,
        ring: s.membership.ring.filter((m) => m !== id),
        retired: [...s.membership.retired, id],
      },
      settings: { ...s.settings, nodes: s.order.length },
    }));
    this.save();
    this.note('remove', describeLeave(id, summary, totals), [id]);
  }

  /** Stops the node's worker, drops it from the views and deletes its files. */
  private async retireWorker(id: NodeId): Promise<void> {
    const backend = this.store.getState().nodes[id]?.backend;
    await this.cluster.retire(id);
    if (backend) await deleteNodeFiles(id, backend);
  }

  private cancelJoin(id: NodeId): void {
    void this.retireWorker(id);
    // Nodes that already stopped serving ranges for it (engine rangeFences.ts) serve them again; a
    // node down now is told when it restarts (liveCluster.ts `restart`), as the id is retired.
    for (const node of this.store.getState().order)
      if (node !== id) void this.cluster.configureNode(node, { nodeGone: id });
    this.store.setState((s) => ({
      membership: { ...s.membership, joining: [], retired: [...s.membership.retired, id] },
    }));
    this.note(
      'remove',
      `${id}'s join cancelled: it never announced itself, so no request was routed to it`,
      [id],
      [{ type: 'cancel-join', node: id }],
    );
  }

  private clearLeaving(): void {
    if (this.leavingNow?.timer) clearTimeout(this.leavingNow.timer);
    this.leavingNow = null;
    this.store.setState((s) => ({ membership: { ...s.membership, leaving: [] } }));
  }

  private save(): void {
    const { order, membership } = this.store.getState();
    saveMembers({
      members: order.filter((id) => !membership.joining.includes(id)),
      retired: membership.retired,
    });
  }
}
