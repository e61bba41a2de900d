/**
 * Where a key's replicas live (SPEC 1.3): the one function every module asks — the coordinator and
 * its forwarding, anti-entropy's ranges, the runner's convergence judgement — so that placement can
 * never disagree between them. A placement is either
 *
 *   N                      the first N distinct nodes clockwise (preferenceList.ts), or
 *   { west: 2, east: 2 }   the first N_dc nodes of each data centre on the same walk (dataCentres.ts).
 *
 * Both give the replicas and, in walk order, the stand-ins for a sloppy quorum; with data centres
 * each node's data centre comes along, so the coordinator takes a stand-in from the DC that lost the
 * replica and counts LOCAL_QUORUM / EACH_QUORUM per DC.
 *
 * Lists are cached per (immutable) ring, placement and token, like `preferenceListOfToken`: a lookup
 * is one hash, one binary search and, the first time a token is met, one walk.
 */

import type { NodeId } from '../protocol/ids.ts';
import { preferenceListPerDataCentreOfToken } from './dataCentres.ts';
import { preferenceListOfToken } from './preferenceList.ts';
import { keyPosition, type Ring, type RingPosition, tokenIndexAt } from './ring.ts';

/** N replicas per key, or N per data centre. */
export type Placement = number | Readonly<Record<string, number>>;

export interface ReplicaList {
  /** The token the key falls to (-1 on an empty ring). */
  tokenIndex: number;
  /** The replicas, primary first. */
  nodes: readonly NodeId[];
  /** The stand-ins for a sloppy quorum, in walk order (with data centres: of the listed DCs only). */
  fallbacks: readonly NodeId[];
  /** Fewer replicas than the placement asks for (in some data centre). */
  underReplicated: boolean;
  /** With data centres: the replicas of each; null under a plain N. */
  byDataCentre: Readonly<Record<string, readonly NodeId[]>> | null;
  /** With data centres: the data centre of every node of the ring; null under a plain N. */
  dataCentreOf: ReadonlyMap<NodeId, string> | null;
}

/** The placement a node's settings describe: N per data centre when given, else N. */
export function placementOf(n: number, replicationPerDc?: Readonly<Record<string, number>>): Placement {
  return replicationPerDc === undefined ? n : replicationPerDc;
}

/** How many replicas a key has in all: N, or the sum of N_dc. */
export function replicationFactorOf(placement: Placement): number {
  if (typeof placement === 'number') return placement;
  return Object.values(placement).reduce((sum, k) => sum + k, 0);
}

/**
 * Why `ring` cannot hold every copy `placement` asks for, as words a sentence can end with ("2 nodes,
 * fewer than N=3 replicas"; "1 node in east, fewer than its 2 replicas"), or null when it can. A
 * decommission that would leave such a ring is refused unless forced (rebalance.ts).
 */
export function replicationShortfall(ring: Ring, placement: Placement): string | null {
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  if (typeof placement === 'number') {
    const nodes = ring.nodes.length;
    return nodes < placement ? `${count(nodes, 'node')}, fewer than N=${count(placement, 'replica')}` : null;
  }
  for (const [dc, wanted] of Object.entries(placement)) {
    const nodes = ring.nodes.filter((node) => node.dataCentre === dc).length;
    if (nodes < wanted) return `${count(nodes, 'node')} in ${dc}, fewer than its ${count(wanted, 'replica')}`;
  }
  return null;
}

/** The replicas of every key that falls to token `tokenIndex`. */
export function replicasOfToken(ring: Ring, tokenIndex: number, placement: Placement): ReplicaList {
  const lists = listsOf(ring, placement);
  const cached = lists[tokenIndex];
  if (cached) return cached;
  const list =
    typeof placement === 'number'
      ? plainList(ring, tokenIndex, placement)
      : dcList(ring, tokenIndex, placement);
  lists[tokenIndex] = list;
  return list;
}

/** The replicas of the key at `position`. An empty ring gives none, under-replicated. */
export function replicasAt(ring: Ring, position: RingPosition, placement: Placement): ReplicaList {
  if (ring.positions.length === 0) {
    return {
      tokenIndex: -1,
      nodes: [],
      fallbacks: [],
      underReplicated: true,
      byDataCentre: null,
      dataCentreOf: null,
    };
  }
  return replicasOfToken(ring, tokenIndexAt(ring, position), placement);
}

/** The replicas of `key` (and its stand-ins) under `placement`: the placement every module uses. */
export function replicasFor(ring: Ring, key: string, placement: Placement): ReplicaList {
  return replicasAt(ring, keyPosition(key), placement);
}

// ── caches ──────────────────────────────────────────────────────────────────────────────────────

/** Per ring, per placement (by its text), per token: the list. Collected with the ring. */
const caches = new WeakMap<Ring, Map<string, (ReplicaList | undefined)[]>>();
/** A placement object's text, so callers may pass equal objects that are not the same one. */
const placementTexts = new WeakMap<object, string>();
/** Per ring: every node's data centre. */
const dataCentreMaps = new WeakMap<Ring, ReadonlyMap<NodeId, string>>();

function placementText(placement: Placement): string {
  if (typeof placement === 'number') return String(placement);
  let text = placementTexts.get(placement);
  if (text === undefined) {
    text = Object.entries(placement)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([dc, k]) => `${dc}=${k}`)
      .join(',');
    placementTexts.set(placement, text);
  }
  return text;
}

function listsOf(ring: Ring, placement: Placement): (ReplicaList | undefined)[] {
  let byPlacement = caches.get(ring);
  if (!byPlacement) {
    byPlacement = new Map();
    caches.set(ring, byPlacement);
  }
  const text = placementText(placement);
  let lists = byPlacement.get(text);
  if (!lists) {
    lists = [];
    byPlacement.set(text, lists);
  }
  return lists;
}

function dataCentreMapOf(ring: Ring): ReadonlyMap<NodeId, string> {
  let map = dataCentreMaps.get(ring);
  if (!map) {
    map = new Map(ring.nodes.map((node) => [node.id, node.dataCentre]));
    dataCentreMaps.set(ring, map);
  }
  return map;
}

function plainList(ring: Ring, tokenIndex: number, n: number): ReplicaList {
  const { nodes, fallbacks, underReplicated } = preferenceListOfToken(ring, tokenIndex, n);
  return Object.freeze({
    tokenIndex,
    nodes,
    fallbacks,
    underReplicated,
    byDataCentre: null,
    dataCentreOf: null,
  });
}

function dcList(ring: Ring, tokenIndex: number, perDc: Readonly<Record<string, number>>): ReplicaList {
  const list = preferenceListPerDataCentreOfToken(ring, tokenIndex, perDc);
  return Object.freeze({
    tokenIndex,
    nodes: Object.freeze(list.nodes.slice()),
    fallbacks: Object.freeze(list.fallbacks.slice()),
    underReplicated: list.underReplicated,
    byDataCentre: Object.freeze(list.byDataCentre),
    dataCentreOf: dataCentreMapOf(ring),
  });
}
