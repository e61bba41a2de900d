/**
 * The preference list (SPEC 1.3, Dynamo §4.3): the nodes that store a key are the first N *distinct
 * physical* nodes met walking clockwise from the key's position; tokens of a node already chosen are
 * skipped, so a key never has two replicas on one machine. Walking on past them gives the extended
 * list: the fallbacks that stand in for unreachable replicas under a sloppy quorum (SPEC 1.6).
 *
 * Every key that falls to the same token has the same lists, so the clockwise walk is done once per
 * token and cached with the (immutable) ring; a lookup is then one hash and one binary search. These
 * functions know nothing of liveness: the coordinator filters the extended list with its own view
 * (riak_core's `get_apl/3` versus `/4`, DESIGN.md "pure function, thin wrapper").
 */

import { assert } from '../assert.ts';
import type { NodeId } from '../protocol/ids.ts';
import { keyPosition, type Ring, type RingPosition, tokenIndexAt } from './ring.ts';

export interface PreferenceList {
  /** The token the key falls to: its primary replica's token. */
  tokenIndex: number;
  /** The first N distinct physical nodes clockwise, primary first. */
  nodes: readonly NodeId[];
  /** N exceeds the number of physical nodes: every node holds a copy, and there are fewer than N. */
  underReplicated: boolean;
}

export interface ExtendedPreferenceList extends PreferenceList {
  /** Every other physical node, in the order the walk meets them: the sloppy-quorum stand-ins. */
  fallbacks: readonly NodeId[];
}

interface RingCache {
  /** Per token: every physical node in clockwise order from it (computed on first use). */
  walks: (readonly NodeId[] | undefined)[];
  /** Per N, per token: the preference list. */
  lists: Map<number, (ExtendedPreferenceList | undefined)[]>;
}

/** Derived lookups, kept beside the immutable ring and collected with it. */
const caches = new WeakMap<Ring, RingCache>();

function cacheOf(ring: Ring): RingCache {
  let cache = caches.get(ring);
  if (!cache) {
    cache = { walks: [], lists: new Map() };
    caches.set(ring, cache);
  }
  return cache;
}

/** Every physical node in the order a clockwise walk from token `start` meets it. */
export function clockwiseWalk(ring: Ring, start: number): readonly NodeId[] {
  const cache = cacheOf(ring);
  const cached = cache.walks[start];
  if (cached) return cached;
  const chosen = new Uint8Array(ring.nodes.length);
  const walk: NodeId[] = [];
  const count = ring.positions.length;
  for (let step = 0; step < count && walk.length < ring.nodes.length; step++) {
    const owner = ring.owners[(start + step) % count] as number;
    if (chosen[owner]) continue; // a token of a node already chosen: skip it (SPEC 1.3)
    chosen[owner] = 1;
    walk.push((ring.nodes[owner] as { id: NodeId }).id);
  }
  Object.freeze(walk);
  cache.walks[start] = walk;
  return walk;
}

/** The preference lists (with fallbacks) of every key that falls to token `tokenIndex`. */
export function preferenceListOfToken(ring: Ring, tokenIndex: number, n: number): ExtendedPreferenceList {
  assert(Number.isInteger(n) && n >= 1, `preference list: N must be a positive integer, got ${n}`);
  const cache = cacheOf(ring);
  let lists = cache.lists.get(n);
  if (!lists) {
    lists = [];
    cache.lists.set(n, lists);
  }
  const cached = lists[tokenIndex];
  if (cached) return cached;
  const walk = clockwiseWalk(ring, tokenIndex);
  const list: ExtendedPreferenceList = Object.freeze({
    tokenIndex,
    nodes: Object.freeze(walk.slice(0, n)),
    fallbacks: Object.freeze(walk.slice(n)),
    underReplicated: n > ring.nodes.length,
  });
  lists[tokenIndex] = list;
  return list;
}

const emptyList = (n: number): ExtendedPreferenceList =>
  Object.freeze({ tokenIndex: -1, nodes: [], fallbacks: [], underReplicated: n > 0 });

/** The preference list of the key at `position`. An empty ring gives no nodes, under-replicated. */
export function preferenceListAt(ring: Ring, position: RingPosition, n: number): ExtendedPreferenceList {
  if (ring.positions.length === 0) return emptyList(n);
  return preferenceListOfToken(ring, tokenIndexAt(ring, position), n);
}

/** The first `n` distinct physical nodes clockwise from `key` (SPEC 1.3). */
export function preferenceList(ring: Ring, key: string, n: number): PreferenceList {
  return preferenceListAt(ring, keyPosition(key), n);
}

/** The preference list of `key` plus every other node in walk order, for sloppy-quorum fallbacks. */
export function extendedPreferenceList(ring: Ring, key: string, n: number): ExtendedPreferenceList {
  return preferenceListAt(ring, keyPosition(key), n);
}
