/**
 * The nemesis: applies a scenario's fault events to a running simulation (SPEC §3, TESTING T3/T4).
 * Network faults go to its picture of what is cut and why (networkFaults.ts), which composes them.
 *
 *   partition / cut / slow / loss   networkFaults.ts: a partition replaces the one before it,
 *                                   one-way cuts add up until a heal
 *   dc-outage partition           every link between the data centre and the rest is cut both ways
 *   dc-outage power               every node in it is killed with power loss; dc-restore restarts them
 *   heal                          no cuts, no partition, no cut-off data centre, every link back to
 *                                 the scenario's latencies (powered-off nodes stay down)
 *   kill / restart / pause / resume / skew   the simulator's node faults
 *   wipe                          crash, delete every file of the node's disk, restart it empty
 *   join                          start a node declared `joining`: it streams its ranges, then serves
 *   cancel-join                   call the join off: the joiner stops for good, every member forgets it
 *   decommission                  the node hands its ranges over, then leaves (SPEC 1.7)
 *
 * Membership changes happen one at a time, as the lab's buttons and Cassandra's consistent range
 * movements require: a join or decommission due while another is in progress waits until that one
 * has finished (its node's `rebalance.finished`); a decommission also until its node is up and its
 * ring shows the finished change. A joiner computes what it pulls, and whom it fences, from the ring
 * it starts on, and a leaving node whom it hands its ranges to: a change meanwhile would make that
 * ring wrong under it.
 *
 * A node fault aimed at a joiner whose join still waits, or at a node that has left, is skipped,
 * with a sentence saying so; a leaver wiped during its hand-over is asked to leave again once rebuilt.
 *
 * Every applied fault is logged with a sentence, for the report's timeline.
 */

import { nodeId as asNodeId, type NodeId } from '../protocol/ids.ts';
import type { RingMember } from '../ring/ring.ts';
import type { ClusterSpec, FaultEvent, LinkSelector } from '../scenario/types.ts';
import { flipBitInLargestTable } from '../storage/files/bitRot.ts';
import { NetworkFaults } from './networkFaults.ts';
import type { Simulation } from './simulation.ts';

export interface AppliedFault {
  atMs: number;
  type: FaultEvent['type'];
  description: string;
}

export class Nemesis {
  readonly log: AppliedFault[] = [];
  private readonly nodes: NodeId[];
  private readonly dcOf = new Map<NodeId, string>();
  private readonly links: NetworkFaults;
  private readonly outDcs = new Map<string, { mode: 'partition' | 'power'; killed: NodeId[] }>();
  /** The nodes on the ring as the schedule leaves it: joiners added, decommissioned nodes removed. */
  readonly members: NodeId[];
  /** The last node that refused a membership change, with why (`rebalance.refused`). */
  private refusal: { node: string; error: string } | null = null;
  /** Nodes whose decommission finished: gone, with their disks. */
  private readonly departed = new Set<NodeId>();
  /** Joiners whose join was cancelled: stopped for good (or never started). */
  private readonly cancelled = new Set<NodeId>();
  /** The node whose join or decommission is in progress, and the changes waiting for it to finish. */
  private changing: { node: NodeId; kind: 'join' | 'decommission'; since: number } | null = null;
  private readonly waitingChanges: (FaultEvent & { type: 'join' | 'decommission' })[] = [];
  /** The last finished change, and the nodes whose rings show it (`ring.changed`). */
  private lastChange: { node: NodeId; kind: 'join' | 'decommission'; seenBy: Set<NodeId> } | null = null;
  /** While a fault is applied: what else happened meanwhile (a disk failure found), logged after it. */
  private applying: AppliedFault[] | null = null;
  /** The node being sent a decommission command, while it steps it. */
  private asking: NodeId | null = null;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterSpec,
  ) {
    this.nodes = cluster.nodes.map((node) => asNodeId(node.id));
    for (const node of cluster.nodes) this.dcOf.set(asNodeId(node.id), node.dataCentre);
    this.links = new NetworkFaults(sim.network, cluster, this.nodes, this.dcOf);
    this.members = cluster.nodes.filter((node) => node.joining !== true).map((node) => asNodeId(node.id));
    sim.onEvent(
      (event) => {
        if (event.type === 'rebalance.refused') this.refusal = { node: event.node, error: event.error };
        if (event.type === 'node.disk-failed') this.diskFailed(event.node, event.error);
        if (event.type === 'rebalance.finished' && event.kind === 'decommission')
          this.departed.add(event.node);
        // A node down or paused when a join was cancelled hears it once it is back.
        if ((event.type === 'node.started' || event.type === 'node.resumed') && this.cancelled.size > 0)
          sim.schedule(sim.now, 'joins cancelled', () => this.tellCancelled(event.node));
        // The change's own end: a leaver wiped meanwhile first finishes a rebuild, which is not it.
        const ends = this.changing?.kind === 'join' ? 'bootstrap' : 'decommission';
        if (
          event.type === 'rebalance.finished' &&
          event.node === this.changing?.node &&
          event.kind === ends
        ) {
          const { node, kind } = this.changing;
          this.lastChange = { node, kind, seenBy: new Set([node]) };
          this.changing = null;
          if (this.waitingChanges.length > 0)
            sim.schedule(sim.now, 'membership change', () => this.nextChange());
        }
        const last = this.lastChange;
        if (event.type === 'ring.changed' && last !== null) {
          if ((last.kind === 'join' ? event.added : event.removed).includes(last.node))
            last.seenBy.add(event.node);
        }
      },
      { messages: false },
    );
  }

  /** A join or decommission is in progress or waiting for one. */
  get changeUnderWay(): boolean {
    return this.changing !== null || this.waitingChanges.length > 0;
  }

  /**
   * The membership change still under way when the run ends, and how many wait behind it, as a
   * sentence (null: none). Every change ends once its node is up and its peers reachable: one that
   * has not, after the run's quiet period, is stuck (a liveness failure, reported apart from the
   * checkers' safety verdicts).
   */
  unfinishedChange(): string | null {
    const { changing } = this;
    const waiting = this.waitingChanges.length;
    if (changing === null && waiting === 0) return null;
    const behind = waiting === 0 ? '' : `; ${waiting} more waited behind it`;
    if (changing === null) return `${waiting} membership change${waiting === 1 ? '' : 's'} never started`;
    return `${changing.node}'s ${changing.kind}, started at ${Math.round(changing.since)} ms, had not finished at ${Math.round(this.sim.now)} ms${behind}`;
  }

  /** Sets the scenario's link latencies: `latency` inside a data centre, `interDcLatency` between. */
  configureLinks(): void {
    this.links.configure();
  }

  apply(fault: FaultEvent): void {
    this.applying = [];
    const description = this.noNodeFor(fault) ?? this.applyFault(fault);
    this.log.push({ atMs: this.sim.now, type: fault.type, description }, ...this.applying);
    this.applying = null;
  }

  /**
   * A node fault (kill, pause, skew, wipe …) due while its node's join still waits for an earlier
   * change, or once its node has left the cluster (the autoscaler's removals are not in the
   * schedule): there is no node to apply it to, so it is skipped, and the report's timeline says so.
   */
  private noNodeFor(fault: FaultEvent): string | null {
    const changes = ['join', 'cancel-join', 'decommission'];
    if (!('node' in fault) || changes.includes(fault.type)) return null;
    const node = asNodeId(fault.node);
    const skipped = `${fault.type} ${node} skipped: ${node}`;
    if (this.cancelled.has(node)) return `${skipped}'s join was cancelled`;
    if (!this.sim.nodeIds.includes(node)) return `${skipped} has not started yet (its join waits)`;
    if (this.departed.has(node)) return `${skipped} has left the cluster`;
    return null;
  }

  private applyFault(fault: FaultEvent): string {
    const sim = this.sim;
    switch (fault.type) {
      case 'partition':
        this.links.partition(fault.groups.map((group) => group.map(asNodeId)));
        return `partition ${fault.groups.map((g) => `{${g.join(',')}}`).join(' | ')}`;
      case 'cut':
        this.links.cut(fault.from, fault.to);
        return `cut ${fault.from.join(',')} → ${fault.to.join(',')} (one-way)`;
      case 'heal':
        for (const [dc, outage] of this.outDcs) if (outage.mode === 'partition') this.outDcs.delete(dc);
        this.links.heal();
        return 'heal: every link restored to the scenario’s settings';
      case 'kill':
        sim.crash(asNodeId(fault.node), fault.mode);
        return `kill ${fault.node} (${fault.mode === 'power' ? 'power loss' : 'process crash'})`;
      case 'restart':
        sim.restart(asNodeId(fault.node));
        return `restart ${fault.node} from its files`;
      case 'pause':
        sim.pause(asNodeId(fault.node));
        return `pause ${fault.node}`;
      case 'resume':
        sim.resume(asNodeId(fault.node));
        return `resume ${fault.node}`;
      case 'skew':
        sim.skew(asNodeId(fault.node), fault.ms);
        return `skew ${fault.node}'s clock by ${fault.ms} ms`;
      case 'slow':
        this.links.configureSelected(fault, { latency: fault.latency });
        return `slow links ${describeLinks(fault)}`;
      case 'loss':
        this.links.configureSelected(fault, {
          loss: fault.probability,
          duplicate: fault.duplicate,
          reorder: fault.reorder,
        });
        return `lossy links ${describeLinks(fault)}: loss ${fault.probability}, duplicate ${fault.duplicate}, reorder ${fault.reorder}`;
      case 'wipe':
        return this.wipe(asNodeId(fault.node));
      case 'corrupt':
        return this.corrupt(asNodeId(fault.node));
      case 'dc-outage':
        return this.dcOutage(fault.dc, fault.mode);
      case 'dc-restore':
        return this.dcRestore(fault.dc);
      case 'cancel-join':
        return this.cancelJoin(asNodeId(fault.node));
      case 'join':
      case 'decommission':
        if (this.changing === null && this.waitingChanges.length === 0 && this.canStart(fault))
          return this.startChange(fault);
        this.waitingChanges.push(fault);
        if (this.changing === null && this.waitingChanges.length === 1)
          sim.schedule(sim.now + 500, 'membership change', () => this.nextChange());
        return `${fault.type} ${fault.node} waits: ${this.whyWait(fault)}`;
    }
  }

  /**
   * A permanent failure: the node's disk is erased and it starts again with nothing. A node wiped
   * while it hands its ranges over forgets that it was leaving (the disk held it): as an operator
   * would, the nemesis asks it again once it has rebuilt, so the change still ends.
   */
  private wipe(node: NodeId): string {
    const files = this.sim.wipe(node);
    return this.afterWipe(node, `wipe ${node}: ${files.length} file(s) deleted, restarted empty`);
  }

  /** A leaver wiped — also while it was being asked, its disk found damaged — is asked again. */
  private afterWipe(node: NodeId, wiped: string): string {
    const leaving = this.changing?.node === node && this.changing.kind === 'decommission';
    if (!leaving && this.asking !== node) return wiped;
    this.sim.schedule(this.sim.now + 500, 'decommission again', () => this.decommissionAgain(node));
    return `${wiped}; its decommission is asked again once it has rebuilt`;
  }

  /**
   * A node found its files damaged and the simulator wiped it (contract.ts): logged as a wipe, after
   * the fault that made it look (a restart), if any.
   */
  private diskFailed(node: NodeId, error: string): void {
    const wiped = `${node} found its disk damaged (${error}): erased, restarted empty`;
    const entry = { atMs: this.sim.now, type: 'wipe' as const, description: this.afterWipe(node, wiped) };
    if (this.applying) this.applying.push(entry);
    else this.log.push(entry);
  }

  /** Media damage (storage/files/bitRot.ts); a node with no table yet is left alone, with a sentence. */
  private corrupt(node: NodeId): string {
    const hit = flipBitInLargestTable(this.sim.fileSystem(node));
    if (hit === null) return `corrupt ${node} skipped: ${node} has no table on disk yet`;
    return `corrupt ${node}: one bit flipped at byte ${hit.at} of table ${hit.table}`;
  }

  /** Sends `node` the decommission command; returns its refusal (`rebalance.refused`), or null. */
  private askToLeave(node: NodeId, force: boolean): string | null {
    this.refusal = null;
    this.asking = node;
    this.sim.control(node, { decommission: true, force });
    this.asking = null;
    const refusal = this.refusal as { node: string; error: string } | null;
    return refusal?.node === node ? refusal.error : null;
  }

  /** Asks a wiped leaver to leave again, every 500 ms until it accepts (it refuses while rebuilding). */
  private decommissionAgain(node: NodeId): void {
    if (this.changing?.node !== node) return;
    if (this.askToLeave(node, true) !== null || this.sim.state(node) !== 'up')
      this.sim.schedule(this.sim.now + 500, 'decommission again', () => this.decommissionAgain(node));
    else
      this.log.push({ atMs: this.sim.now, type: 'decommission', description: `decommission ${node} again` });
  }

  /** A member as the scenario declares it, with its weight and data centre (joiners too: gossip carries them). */
  ringMemberOf(id: NodeId): RingMember {
    const spec = this.cluster.nodes.find((node) => node.id === id);
    if (spec) return { id, dataCentre: spec.dataCentre, weight: spec.weight };
    const dataCentre = this.dcOf.get(id);
    return dataCentre === undefined ? { id } : { id, dataCentre };
  }

  /**
   * Declares a node the scenario does not (the autoscaler's): with data centres, it goes to the one
   * holding replicas that has the fewest members (the first on a tie), as the lab places an added
   * node, with the scenario's latencies on its links; partitions and outages include it from now on.
   */
  declare(id: NodeId): void {
    const dcs = this.cluster.dataCentres.filter((dc) => (this.cluster.replicationPerDc?.[dc] ?? 1) > 0);
    if (dcs.length > 1) {
      const size = (dc: string) => this.members.filter((m) => this.dcOf.get(m) === dc).length;
      this.dcOf.set(
        id,
        dcs.reduce((best, dc) => (size(dc) < size(best) ? dc : best)),
      );
    }
    this.nodes.push(id);
    this.links.configureNode(id);
  }

  /**
   * Starts the first waiting membership change (a decommission once its node is up). A refused
   * decommission starts nothing whose end would start the next change, so the next starts now.
   */
  private nextChange(): void {
    const fault = this.waitingChanges[0];
    if (!fault || this.changing !== null) return;
    if (!this.canStart(fault)) {
      this.sim.schedule(this.sim.now + 500, 'membership change', () => this.nextChange());
      return;
    }
    this.waitingChanges.shift();
    this.log.push({ atMs: this.sim.now, type: fault.type, description: this.startChange(fault) });
    if (this.changing === null) this.nextChange();
  }

  private startChange(fault: FaultEvent & { type: 'join' | 'decommission' }): string {
    const node = asNodeId(fault.node);
    const description = fault.type === 'join' ? this.join(node) : this.decommission(node, fault.force);
    if (fault.type === 'join' || this.members.indexOf(node) < 0)
      this.changing = { node, kind: fault.type, since: this.sim.now };
    return description;
  }

  /**
   * A join starts at once; a decommission once its node is up (a paused or crashed node cannot hand
   * its ranges over, and would not even hear the command) and its ring shows the last change, since
   * it hands its ranges over by that ring.
   */
  private canStart(fault: FaultEvent & { type: 'join' | 'decommission' }): boolean {
    if (fault.type === 'join') return true;
    const node = asNodeId(fault.node);
    const last = this.lastChange;
    return this.sim.state(node) === 'up' && (last === null || last.seenBy.has(node));
  }

  private whyWait(fault: FaultEvent & { type: 'join' | 'decommission' }): string {
    const { changing, lastChange } = this;
    const oneAtATime = '(one membership change at a time)';
    if (changing !== null)
      return `${changing.node} is still ${changing.kind === 'join' ? 'joining' : 'leaving'} ${oneAtATime}`;
    if (this.waitingChanges.length > 1) return `an earlier change waits too ${oneAtATime}`;
    const state = this.sim.state(asNodeId(fault.node));
    if (state !== 'up')
      return `${fault.node} is ${state === 'crashed' ? 'down' : state}; it must be up to hand its ranges over`;
    const what = lastChange?.kind === 'join' ? 'joined' : 'left';
    return `${fault.node}'s ring does not show yet that ${lastChange?.node} ${what} ${oneAtATime}`;
  }

  /**
   * Asks a member to leave. It may refuse (a joiner still bootstrapping, the last member, fewer than
   * N nodes left behind unless `force`d): it then stays on the ring, and so in the final state the
   * checkers judge.
   */
  private decommission(node: NodeId, force: boolean): string {
    const refused = this.askToLeave(node, force);
    if (refused !== null) return `decommission ${node} refused: ${refused}`;
    this.members.splice(this.members.indexOf(node), 1);
    return `decommission ${node}: it hands its ranges over, then leaves`;
  }

  /**
   * Calls a join off, as the lab's remove of a joining node does: a join still waiting never starts;
   * one under way stops — the joiner goes down for good and every member is told it is gone, so no
   * source keeps streaming or forwarding to it (a node down or paused hears it once it is back); a
   * join that has finished is left alone (the node serves: decommission it instead).
   */
  private cancelJoin(node: NodeId): string {
    const waiting = this.waitingChanges.findIndex((f) => f.type === 'join' && f.node === node);
    if (waiting >= 0) {
      this.waitingChanges.splice(waiting, 1);
      this.cancelled.add(node);
      return `cancel-join ${node}: its join had not started, so ${node} never starts`;
    }
    if (this.changing?.node !== node || this.changing.kind !== 'join')
      return `cancel-join ${node} skipped: ${node} has joined and serves (decommission it instead)`;
    this.changing = null;
    this.cancelled.add(node);
    this.members.splice(this.members.indexOf(node), 1);
    this.sim.crash(node, 'process');
    for (const other of this.sim.nodeIds) this.tellCancelled(other);
    if (this.waitingChanges.length > 0)
      this.sim.schedule(this.sim.now, 'membership change', () => this.nextChange());
    return `cancel-join ${node}: it stops for good, and every member is told it is gone`;
  }

  /** Tells `node`, if it is up, that every cancelled joiner is gone (engine `nodeGone`). */
  private tellCancelled(node: NodeId): void {
    if (this.cancelled.has(node)) return;
    for (const gone of this.cancelled) this.sim.control(node, { nodeGone: gone });
  }

  /** Starts a joiner on the ring of the current members plus itself. */
  private join(node: NodeId): string {
    const ring = this.members.map((id) => this.ringMemberOf(id));
    this.members.push(node);
    this.sim.addNode(node, { join: true, members: [...ring, this.ringMemberOf(node)] });
    return `join ${node}: it streams the ranges it gains, then serves`;
  }

  private dcOutage(dc: string, mode: 'partition' | 'power'): string {
    const members = this.nodes.filter((id) => this.dcOf.get(id) === dc);
    const killed: NodeId[] = [];
    if (mode === 'power') {
      for (const id of members) {
        if (this.sim.state(id) === 'crashed') continue;
        this.sim.crash(id, 'power');
        killed.push(id);
      }
    }
    this.outDcs.set(dc, { mode, killed });
    if (mode === 'partition') this.links.setCutOff(dc, true);
    return mode === 'power'
      ? `data centre ${dc} powered off (${killed.join(', ') || 'no node was up'})`
      : `data centre ${dc} cut off from the others`;
  }

  private dcRestore(dc: string): string {
    const outage = this.outDcs.get(dc);
    this.outDcs.delete(dc);
    this.links.setCutOff(dc, false);
    if (outage?.mode === 'power') for (const id of outage.killed) this.sim.restart(id);
    return outage?.mode === 'power'
      ? `data centre ${dc} powered on (${outage.killed.join(', ')} restarted)`
      : `data centre ${dc} reconnected`;
  }
}

function describeLinks(selector: LinkSelector): string {
  return `${selector.from.join(',')} → ${selector.to.join(',')}${selector.bothWays ? ' (both ways)' : ''}`;
}
