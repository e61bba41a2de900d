/**
 * Multi-data-centre placement (SPEC 1.3), after Cassandra's NetworkTopologyStrategy: replication is
 * set per data centre (`{ dc1: 3, dc2: 2 }`), and a key's replicas are the first N_dc distinct
 * nodes *of each data centre* met on the same clockwise walk as the single-DC preference list. So a
 * data centre keeps whole copies of its keys and a DC failure leaves the others serving.
 *
 *   walk from the key:  w2  e1  w3  e3  w1  e2        { west: 2, east: 2 }
 *   replicas:           w2  e1  w3  e3                 fallbacks: w1 (west), e2 (east)
 *
 * Pure; the walk is the ring's cached one (preferenceList.ts), and placement.ts caches the lists.
 * `fallbacks` are the remaining nodes of each listed data centre in walk order, so a stand-in is
 * chosen inside the DC that lost a replica; nodes of data centres that hold no replicas of the
 * keyspace are neither replicas nor stand-ins.
 */

import type { NodeId } from '../protocol/ids.ts';
import { clockwiseWalk } from './preferenceList.ts';
import { keyPosition, type Ring, type RingNode, tokenIndexAt } from './ring.ts';

export interface DataCentrePreferenceList {
  /** The replicas, in walk order across data centres (primary first). */
  nodes: readonly NodeId[];
  /** The replicas of each data centre, in walk order. */
  byDataCentre: Readonly<Record<string, readonly NodeId[]>>;
  /** Nodes of the listed data centres beyond their N_dc, in walk order. */
  fallbacks: readonly NodeId[];
  /** Some data centre has fewer nodes than its N_dc (or none at all). */
  underReplicated: boolean;
}

/** The replicas of every key on token `tokenIndex`'s arc, `replicasPerDataCentre[dc]` per data centre. */
export function preferenceListPerDataCentreOfToken(
  ring: Ring,
  tokenIndex: number,
  replicasPerDataCentre: Readonly<Record<string, number>>,
): DataCentrePreferenceList {
  const byDataCentre: Record<string, NodeId[]> = {};
  for (const dc of Object.keys(replicasPerDataCentre)) byDataCentre[dc] = [];
  const nodes: NodeId[] = [];
  const fallbacks: NodeId[] = [];
  if (ring.positions.length > 0) {
    const dcOf = new Map<NodeId, RingNode>(ring.nodes.map((n) => [n.id, n]));
    for (const id of clockwiseWalk(ring, tokenIndex)) {
      const dc = (dcOf.get(id) as RingNode).dataCentre;
      const chosen = byDataCentre[dc];
      if (!chosen) continue; // a data centre with no replicas of this keyspace
      if (chosen.length < (replicasPerDataCentre[dc] ?? 0)) {
        chosen.push(id);
        nodes.push(id);
      } else fallbacks.push(id);
    }
  }
  const underReplicated = Object.entries(replicasPerDataCentre).some(
    ([dc, n]) => (byDataCentre[dc]?.length ?? 0) < n,
  );
  return { nodes, byDataCentre, fallbacks, underReplicated };
}

/** The replicas of `key` with `replicasPerDataCentre[dc]` copies in each data centre listed. */
export function preferenceListPerDataCentre(
  ring: Ring,
  key: string,
  replicasPerDataCentre: Readonly<Record<string, number>>,
): DataCentrePreferenceList {
  if (ring.positions.length === 0) return preferenceListPerDataCentreOfToken(ring, 0, replicasPerDataCentre);
  return preferenceListPerDataCentreOfToken(
    ring,
    tokenIndexAt(ring, keyPosition(key)),
    replicasPerDataCentre,
  );
}
