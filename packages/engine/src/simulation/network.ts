/**
 * The simulated network: every directed link has a latency distribution, a loss rate, a duplication
 * rate and a reordering rate, and can be cut. Partitions of any shape are sets of cut links,
 * including one-way cuts (A hears B, B does not hear A). All randomness comes from the network's own
 * seeded stream, so a run's network behaviour depends on the seed alone.
 *
 * A cut is checked when a message is sent: what is already on the wire still arrives, as it would
 * when a switch port goes down after a packet left it.
 */

import type { NodeId } from '../protocol/ids.ts';
import { linkKey } from '../protocol/transport.ts';
import type { Rng } from '../random/rng.ts';

export type LatencyDistribution =
  | { kind: 'constant'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  | { kind: 'exponential'; meanMs: number; minMs?: number };

export interface SimLinkConfig {
  latency: LatencyDistribution;
  /** Probability that a message is dropped. */
  loss: number;
  /** Probability that a message is delivered twice (the copy with its own latency). */
  duplicate: number;
  /** Probability that a message is held back by `reorderDelayMs` extra, so later ones overtake it. */
  reorder: number;
  reorderDelayMs: number;
}

export const defaultLinkConfig: Readonly<SimLinkConfig> = Object.freeze<SimLinkConfig>({
  latency: { kind: 'exponential', meanMs: 1, minMs: 0.2 },
  loss: 0,
  duplicate: 0,
  reorder: 0,
  reorderDelayMs: 10,
});

export type RouteResult = { delivered: number[] } | { dropped: 'cut' | 'loss' };

export class SimNetwork {
  private readonly links = new Map<string, SimLinkConfig>();
  private readonly cuts = new Set<string>();

  constructor(
    private readonly rng: Rng,
    private defaults: SimLinkConfig = defaultLinkConfig,
  ) {}

  /** Changes the configuration of every link, present and future. */
  configureAll(patch: Partial<SimLinkConfig>): void {
    this.defaults = { ...this.defaults, ...patch };
    for (const [key, config] of this.links) this.links.set(key, { ...config, ...patch });
  }

  /** Changes one directed link (slow or lossy link faults). */
  configureLink(from: NodeId, to: NodeId, patch: Partial<SimLinkConfig>): void {
    this.links.set(linkKey(from, to), { ...this.link(from, to), ...patch });
  }

  /** Forgets per-link settings and cuts: every link returns to the defaults. */
  restoreAll(): void {
    this.links.clear();
    this.cuts.clear();
  }

  link(from: NodeId, to: NodeId): SimLinkConfig {
    return this.links.get(linkKey(from, to)) ?? this.defaults;
  }

  /** One-way cut: messages from `from` to `to` are dropped. */
  cut(from: NodeId, to: NodeId): void {
    this.cuts.add(linkKey(from, to));
  }

  isCut(from: NodeId, to: NodeId): boolean {
    return this.cuts.has(linkKey(from, to));
  }

  /** Every cut link, one-way, as `[from, to]`, in the order it was cut (a replay draws them). */
  cutLinks(): [NodeId, NodeId][] {
    return [...this.cuts].map((key) => key.split('->') as [NodeId, NodeId]);
  }

  /**
   * Splits `all` into the given groups: links between groups are cut both ways. Nodes not named in
   * any group form one more group together.
   */
  partition(all: readonly NodeId[], groups: readonly (readonly NodeId[])[]): void {
    const groupOf = new Map<NodeId, number>();
    groups.forEach((group, index) => {
      for (const id of group) groupOf.set(id, index);
    });
    for (const from of all) {
      for (const to of all) {
        if (from !== to && (groupOf.get(from) ?? -1) !== (groupOf.get(to) ?? -1)) this.cut(from, to);
      }
    }
  }

  /** Removes every cut (partitions and one-way cuts); slow and lossy settings stay. */
  heal(): void {
    this.cuts.clear();
  }

  /** Decides the fate of one message sent at `now`: when it arrives (maybe twice), or why not. */
  route(from: NodeId, to: NodeId, now: number): RouteResult {
    // Called for every message: the link's key is built only when some link differs from the rest.
    let link = this.defaults;
    if (this.cuts.size > 0 || this.links.size > 0) {
      const key = linkKey(from, to);
      if (this.cuts.has(key)) return { dropped: 'cut' };
      link = this.links.get(key) ?? this.defaults;
    }
    if (this.rng.chance(link.loss)) return { dropped: 'loss' };
    const delivered = [now + this.delay(link)];
    if (this.rng.chance(link.duplicate)) delivered.push(now + this.delay(link));
    return { delivered };
  }

  private delay(link: SimLinkConfig): number {
    let ms = sampleLatency(link.latency, this.rng);
    if (this.rng.chance(link.reorder)) ms += link.reorderDelayMs;
    return ms;
  }
}

export function sampleLatency(latency: LatencyDistribution, rng: Rng): number {
  switch (latency.kind) {
    case 'constant':
      return latency.ms;
    case 'uniform':
      return latency.minMs + rng.float() * (latency.maxMs - latency.minMs);
    case 'exponential':
      return (latency.minMs ?? 0) + rng.exponential(latency.meanMs);
  }
}
