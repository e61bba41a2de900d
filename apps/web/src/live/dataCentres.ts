/**
 * Data centres in the lab (SPEC 1.3, §2): which node lives where, how many replicas each data
 * centre keeps, and the extra delay of the links between them. Pure functions over the settings, so
 * the page (ring, client, cluster view) and the workers' configs compute the same placement.
 *
 *   one data centre (default)   every node in `dc1`, N replicas anywhere: nothing changes
 *   two data centres            the first ⌈n/2⌉ nodes in west, the rest in east, at apply time;
 *                               a node added later goes to the data centre with fewer nodes
 *
 * Invariant: with two data centres every node of the cluster has an entry in `nodeDc`, and the
 * replicas per data centre sum to N.
 */

import { type NodeId, type Placement, placementOf, type RingMember } from '@kvscope/engine';

export const dataCentreNames = ['west', 'east'] as const;
export type DataCentreName = (typeof dataCentreNames)[number];

/** The part of the cluster settings that says where nodes and replicas live. */
export interface DataCentreSettings {
  n: number;
  /** 1: one data centre (the default cluster); 2: west and east. */
  dataCentres: 1 | 2;
  /** Replicas of every key in each data centre (two data centres only); they sum to N. */
  replicasPerDc: Record<DataCentreName, number>;
  /** The data centre of each node (two data centres only). */
  nodeDc: Record<string, DataCentreName>;
}

/**
 * One-way delay added to a link between data centres: +20 ms at full speed, and half a local hop
 * at slower network speeds, so the cross-DC hop stays visibly longer in the classroom while a
 * forwarded cross-DC write (four such hops) still fits the request timeout (settings.ts).
 */
export function interDcDelayMs(linkDelayMs: number): number {
  return Math.max(20, Math.round(linkDelayMs / 2));
}

/** N split as evenly as possible, west first: N=3 → west 2, east 1. */
export function evenSplit(n: number): Record<DataCentreName, number> {
  return { west: Math.ceil(n / 2), east: Math.floor(n / 2) };
}

/** The first ⌈n/2⌉ nodes in west, the rest in east. */
export function assignDataCentres(order: readonly NodeId[]): Record<string, DataCentreName> {
  const west = Math.ceil(order.length / 2);
  return Object.fromEntries(order.map((id, i) => [id, i < west ? 'west' : 'east']));
}

/** The data centre of every node in `order`; null with one data centre. */
export function dataCentreMap(
  s: DataCentreSettings,
  order: readonly NodeId[],
): Record<string, DataCentreName> | null {
  if (s.dataCentres !== 2) return null;
  const fallback = assignDataCentres(order);
  return Object.fromEntries(order.map((id) => [id, s.nodeDc[id] ?? fallback[id] ?? 'west']));
}

/** Nodes per data centre among `order`. */
export function nodesPerDc(s: DataCentreSettings, order: readonly NodeId[]): Record<DataCentreName, number> {
  const counts = { west: 0, east: 0 };
  for (const dc of Object.values(dataCentreMap(s, order) ?? {})) counts[dc]++;
  return counts;
}

/** Where a node added now goes: the data centre with fewer nodes (west on a tie). */
export function dataCentreForJoiner(s: DataCentreSettings, order: readonly NodeId[]): DataCentreName {
  const counts = nodesPerDc(s, order);
  return counts.east < counts.west ? 'east' : 'west';
}

/**
 * What is wrong with the data-centre settings for a cluster of `nodes` nodes split ⌈n/2⌉ | ⌊n/2⌋,
 * in one sentence, or null.
 */
export function dataCentreProblem(s: DataCentreSettings, nodes: number): string | null {
  if (s.dataCentres !== 2) return null;
  if (nodes < 2) return `Two data centres need at least two nodes (the cluster has ${nodes}).`;
  const counts = { west: Math.ceil(nodes / 2), east: Math.floor(nodes / 2) };
  for (const dc of dataCentreNames) {
    const k = s.replicasPerDc[dc];
    if (!Number.isInteger(k) || k < 1)
      return `Replicas in ${dc} must be a whole number ≥ 1 (got ${k}): each data centre keeps a copy of every key.`;
    if (k > counts[dc])
      return `${dc} has ${counts[dc]} node${counts[dc] === 1 ? '' : 's'} but is asked to keep ${k} replicas of every key; choose at most ${counts[dc]}.`;
  }
  const sum = s.replicasPerDc.west + s.replicasPerDc.east;
  if (s.n !== sum) return `N must be the sum of the replicas per data centre (${sum}), not ${s.n}.`;
  return null;
}

/** The placement the nodes use: N, or N per data centre (engine ring/placement.ts). */
export function placementFor(s: DataCentreSettings): Placement {
  return s.dataCentres === 2 ? placementOf(s.n, { ...s.replicasPerDc }) : s.n;
}

/** The ring members with their data centres (plain ids with one data centre, as before). */
export function ringMembers(s: DataCentreSettings, members: readonly NodeId[]): RingMember[] {
  const dcs = dataCentreMap(s, members);
  return members.map((id) => (dcs ? { id, dataCentre: dcs[id] as string } : { id }));
}

/**
 * The part of a worker's node config that places it: nothing with one data centre (the node builds
 * its members from its peers, as before); with two, every member with its data centre and the
 * replicas per data centre.
 */
export function dataCentreConfig(
  s: DataCentreSettings,
  id: NodeId,
  peers: readonly NodeId[],
): Record<string, unknown> {
  if (s.dataCentres !== 2) return {};
  const all = [id, ...peers.filter((p) => p !== id)];
  const dcs = { ...assignDataCentres(all), ...s.nodeDc };
  return {
    members: all.map((m) => ({ id: m, dataCentre: dcs[m] })),
    replicationPerDc: { ...s.replicasPerDc },
  };
}

/** "west 2 + east 1": the per-DC replication, for headings and sentences. */
export function describeReplication(s: DataCentreSettings): string {
  return s.dataCentres === 2 ? `west ${s.replicasPerDc.west} + east ${s.replicasPerDc.east}` : `${s.n}`;
}

/**
 * Whether going from `before` to `after` moves any node to another data centre (or changes the
 * replicas per data centre). Such a change restarts the nodes on empty disks: a node restarted
 * over its files takes the ring saved there, with the data centres it had then, over the members
 * it is configured with (engine rebalance/nodeRebalance.ts), so the new layout would not hold.
 */
export function layoutChanged(
  before: DataCentreSettings,
  after: DataCentreSettings,
  order: readonly NodeId[],
): boolean {
  if (before.dataCentres !== after.dataCentres) return true;
  if (after.dataCentres !== 2) return false;
  const a = dataCentreMap(before, order);
  const b = dataCentreMap(after, order);
  const replicas = (s: DataCentreSettings) => `${s.replicasPerDc.west}/${s.replicasPerDc.east}`;
  return replicas(before) !== replicas(after) || order.some((id) => a?.[id] !== b?.[id]);
}
