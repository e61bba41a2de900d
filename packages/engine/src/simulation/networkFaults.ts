/**
 * The network half of the nemesis (nemesis.ts): its own picture of what is cut and why — one-way
 * cuts, the partition in force, data centres cut off — recomputed into the simulated network's cut
 * set whenever the picture changes, so that overlapping faults compose and ending one of them leaves
 * the others in place; and the latencies, loss, duplication and reordering of slow and lossy links.
 *
 *   partition [[n1,n2],[n2,n3]]   two nodes talk exactly when some group holds both (n2 bridges);
 *                                 a partition replaces the one before it, as in the lab
 *   cut       from → to           one-way: `to` stops hearing `from`; cuts add up until a heal
 *   cut off   a data centre       every link between it and the rest is cut, both ways
 *   heal                          no cuts, no partition, no data centre cut off, every link back to
 *                                 the scenario's latencies
 */

import type { NodeId } from '../protocol/ids.ts';
import { nodeId as asNodeId } from '../protocol/ids.ts';
import { linkKey } from '../protocol/transport.ts';
import type { ClusterSpec, LinkSelector } from '../scenario/types.ts';
import type { SimLinkConfig, SimNetwork } from './network.ts';

export class NetworkFaults {
  private readonly cuts = new Set<string>();
  private readonly cutLinks: [NodeId, NodeId][] = [];
  /** The links the partition in force cuts (the last `partition` fault's, until a heal). */
  private partitionLinks: [NodeId, NodeId][] = [];
  private readonly cutOff = new Set<string>();

  constructor(
    private readonly network: SimNetwork,
    private readonly cluster: ClusterSpec,
    /** Every node of the run, declared ones (the autoscaler's) added as they come: shared. */
    private readonly nodes: readonly NodeId[],
    /** Each node's data centre: shared. */
    private readonly dcOf: ReadonlyMap<NodeId, string>,
  ) {}

  /** Sets the scenario's link latencies: `latency` inside a data centre, `interDcLatency` between. */
  configure(): void {
    this.network.configureAll({ latency: this.cluster.latency });
    for (const from of this.nodes) {
      for (const to of this.nodes) {
        if (from !== to && this.dcOf.get(from) !== this.dcOf.get(to))
          this.network.configureLink(from, to, { latency: this.cluster.interDcLatency });
      }
    }
  }

  /** A node declared during the run gets the inter-data-centre latency to the other data centres. */
  configureNode(id: NodeId): void {
    for (const other of this.nodes) {
      if (other === id || this.dcOf.get(other) === this.dcOf.get(id)) continue;
      this.network.configureLink(id, other, { latency: this.cluster.interDcLatency });
      this.network.configureLink(other, id, { latency: this.cluster.interDcLatency });
    }
  }

  /** Cuts every link whose ends share no group, instead of the last partition's; cuts stay. */
  partition(groups: NodeId[][]): void {
    this.partitionLinks = [];
    for (const from of this.nodes) {
      for (const to of this.nodes) {
        if (from !== to && !groups.some((g) => g.includes(from) && g.includes(to)))
          this.partitionLinks.push([from, to]);
      }
    }
    this.apply();
  }

  /** One-way cuts from every node of `from` to every node of `to`. */
  cut(from: readonly string[], to: readonly string[]): void {
    for (const a of from.map(asNodeId)) {
      for (const b of to.map(asNodeId)) {
        const key = linkKey(a, b);
        if (a === b || this.cuts.has(key)) continue;
        this.cuts.add(key);
        this.cutLinks.push([a, b]);
      }
    }
    this.apply();
  }

  /** Cuts data centre `dc` off from the others (true), or reconnects it (false). */
  setCutOff(dc: string, cut: boolean): void {
    if (cut) this.cutOff.add(dc);
    else this.cutOff.delete(dc);
    this.apply();
  }

  heal(): void {
    this.cuts.clear();
    this.cutLinks.length = 0;
    this.partitionLinks = [];
    this.cutOff.clear();
    this.network.restoreAll();
    this.configure();
    this.apply();
  }

  /** Sets `patch` (latency, loss …) on the selected links. */
  configureSelected(selector: LinkSelector, patch: Partial<SimLinkConfig>): void {
    for (const from of selector.from) {
      for (const to of selector.to) {
        if (from === to) continue;
        this.network.configureLink(asNodeId(from), asNodeId(to), patch);
        if (selector.bothWays) this.network.configureLink(asNodeId(to), asNodeId(from), patch);
      }
    }
  }

  /** The network's cuts := one-way cuts ∪ the partition's ∪ the links of every cut-off data centre. */
  private apply(): void {
    const network = this.network;
    network.heal();
    for (const [from, to] of this.cutLinks) network.cut(from, to);
    for (const [from, to] of this.partitionLinks) network.cut(from, to);
    for (const dc of this.cutOff) {
      for (const a of this.nodes) {
        if (this.dcOf.get(a) !== dc) continue;
        for (const b of this.nodes) {
          if (this.dcOf.get(b) === dc) continue;
          network.cut(a, b);
          network.cut(b, a);
        }
      }
    }
  }
}
