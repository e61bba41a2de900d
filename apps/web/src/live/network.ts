/**
 * The lab's network faults as plain data, and the link table each worker applies at its sending
 * port. Pure functions: the page keeps `NetworkFaults` in the store, and every change is turned into
 * one `LinkTable` per node and pushed to its worker.
 *
 *   partition groups  n1,n2 | n3,n4,n5   → every link between groups is cut, both ways
 *   one-way cut       n1->n3             → n1's messages to n3 are dropped; n3 still reaches n1
 *   slow  {n1-n2: +300 ms} or {*: …}     → added to the network speed's delay, both directions
 *   lossy {n1-n2: 0.3}     or {*: …}     → that fraction of messages dropped, both directions
 *
 * With data centres (dataCentres.ts) a link between two of them carries `InterDc.extraMs` more
 * delay, both ways; that is the topology, not a fault, so `faultyLinks` does not list it.
 */

import { type LinkState, linkKey, type NodeId } from '@kvscope/engine';
import type { LinkTable } from '../shared/workerApi.ts';

export interface NetworkFaults {
  /** Partition group of each node; nodes in different groups cannot talk. Absent: group 0. */
  groups: Record<string, number>;
  /** Directed links cut one way, as `from->to`. */
  oneWay: string[];
  /** Extra one-way delay in ms per undirected pair (`n1-n2`, ordered) or `*` for every link. */
  slow: Record<string, number>;
  /** Loss probability per undirected pair or `*`. */
  lossy: Record<string, number>;
}

export const noFaults: NetworkFaults = { groups: {}, oneWay: [], slow: {}, lossy: {} };

/** The key of an undirected pair, whatever the order: `n1-n2`. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}-${b}` : `${b}-${a}`;
}

export function isPartitioned(faults: NetworkFaults, ids: readonly NodeId[]): boolean {
  return new Set(ids.map((id) => faults.groups[id] ?? 0)).size > 1;
}

/** The data centre of each node and the extra one-way delay between two of them. */
export interface InterDc {
  dcOf: Readonly<Record<string, string>>;
  extraMs: number;
}

export function linkState(
  faults: NetworkFaults,
  baseDelayMs: number,
  from: NodeId,
  to: NodeId,
  interDc: InterDc | null = null,
): LinkState {
  const apart = (faults.groups[from] ?? 0) !== (faults.groups[to] ?? 0);
  const cut = apart || faults.oneWay.includes(linkKey(from, to));
  const pair = pairKey(from, to);
  const extra = faults.slow[pair] ?? faults.slow['*'] ?? 0;
  const loss = faults.lossy[pair] ?? faults.lossy['*'] ?? 0;
  const crossing = interDc && (interDc.dcOf[from] ?? '') !== (interDc.dcOf[to] ?? '') ? interDc.extraMs : 0;
  return { cut, delayMs: baseDelayMs + crossing + extra, loss };
}

/** The outgoing links of `from` to every other node. */
export function linkTable(
  faults: NetworkFaults,
  baseDelayMs: number,
  from: NodeId,
  ids: readonly NodeId[],
  interDc: InterDc | null = null,
): LinkTable {
  const table: LinkTable = {};
  for (const to of ids) if (to !== from) table[to] = linkState(faults, baseDelayMs, from, to, interDc);
  return table;
}

/** Every faulty directed link, for drawing: cut, slow (extra delay) or lossy. */
export interface FaultyLink {
  from: NodeId;
  to: NodeId;
  cut: boolean;
  slowMs: number;
  loss: number;
}

export function faultyLinks(faults: NetworkFaults, ids: readonly NodeId[]): FaultyLink[] {
  const links: FaultyLink[] = [];
  for (const from of ids) {
    for (const to of ids) {
      if (from === to) continue;
      const state = linkState(faults, 0, from, to);
      if (state.cut || state.delayMs > 0 || state.loss > 0)
        links.push({ from, to, cut: state.cut, slowMs: state.delayMs, loss: state.loss });
    }
  }
  return links;
}

/** A sentence for the fault timeline: "partition n1,n2 | n3,n4,n5". */
export function describeGroups(groups: Record<string, number>, ids: readonly NodeId[]): string {
  return groupLists(groups, ids)
    .map((members) => members.join(','))
    .join(' | ');
}

/** The nodes of each partition group, in group order (a node in no group is in group 0). */
export function groupLists(groups: Record<string, number>, ids: readonly NodeId[]): NodeId[][] {
  const byGroup = new Map<number, NodeId[]>();
  for (const id of ids) {
    const g = groups[id] ?? 0;
    byGroup.set(g, [...(byGroup.get(g) ?? []), id]);
  }
  return [...byGroup.entries()].sort(([a], [b]) => a - b).map(([, members]) => members);
}

/** Partition groups that cut data centre `dc` off from the rest: its nodes in group 1. */
export function dataCentreGroups(dcOf: Readonly<Record<string, string>>, dc: string): Record<string, number> {
  return Object.fromEntries(Object.entries(dcOf).map(([id, d]) => [id, d === dc ? 1 : 0]));
}
