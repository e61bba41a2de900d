/**
 * The consistent-hash ring (SPEC 1.2, Dynamo §4.2): keys and node tokens share one circle of 2^32
 * positions, both placed by MurmurHash3_x86_32 of their UTF-8 text. A key belongs to the first token
 * at or after its position, walking clockwise and wrapping past 2^32 − 1 to 0; so each token owns the
 * arc (previous token, its own position].
 *
 *            0 ─────── t0(n2) ────── t1(n1) ─────── t2(n3) ───── … ───── 2^32−1 ─┐
 *            ↑  keys in (t_last, t0] wrap around to t0                          │
 *            └──────────────────────────────────────────────────────────────────┘
 *
 * Virtual nodes: each physical node holds `round(virtualNodes × weight)` tokens, at the positions
 * hash(`${node}#${i}`) for i = 0, 1, …. Placement is deterministic on purpose, not drawn from the
 * run's `Rng`: every node derives the same ring from the member list alone (no tokens need to be
 * gossiped), a node keeps its tokens across restarts and replays, and raising a node's weight only
 * adds tokens `#k…`, so it moves only the arcs next to the new tokens. Hashing spreads the tokens as
 * uniformly as random draws would (Dynamo's strategy 1), with the same imbalance (T12 prints it).
 *
 * A `Ring` is an immutable value: build a new one for a membership change and compare the two with
 * `rangeMoves`. Lookups are a binary search over a sorted `Uint32Array` of token positions.
 *
 * Invariants: positions are sorted ascending; ties (two tokens hashing to one position, vanishingly
 * rare) are ordered by node id then token index, so every driver builds the identical ring; every
 * node holds at least one token.
 */

import { assert } from '../assert.ts';
import { tokensPerNodeMax, virtualNodesDefault } from '../constants.ts';
import { type KvError, kvError } from '../errors.ts';
import { murmur3OfText } from '../hashing/murmur3.ts';
import { compareNodeIds, type NodeId } from '../protocol/ids.ts';

/** A position on the ring: an unsigned 32-bit integer. */
export type RingPosition = number;

/** The size of the ring: positions are 0 … ringSize − 1. */
export const ringSize = 0x1_0000_0000;

/** The data centre of a member that names none. */
export const dataCentreDefault = 'dc1';

/** A member as the cluster configuration names it. */
export interface RingMember {
  id: NodeId;
  /** Relative capacity; 1 by default. A node of weight 2 gets twice the tokens. */
  weight?: number;
  /** Data-centre label (SPEC 1.3); `dataCentreDefault` when absent. */
  dataCentre?: string;
}

/** A member as the ring holds it, with its defaults resolved. */
export interface RingNode {
  id: NodeId;
  weight: number;
  dataCentre: string;
  /** How many tokens (virtual nodes) it holds. */
  tokenCount: number;
}

/** One virtual node: the `index`-th token of `node`, at `position`. */
export interface RingToken {
  position: RingPosition;
  node: NodeId;
  index: number;
}

export interface Ring {
  /** Tokens per node of weight 1. */
  readonly virtualNodes: number;
  /** The physical nodes, ordered by id (n2 before n10). */
  readonly nodes: readonly RingNode[];
  /** Every token, sorted clockwise by position (for drawing and inspection). */
  readonly tokens: readonly RingToken[];
  /** `tokens[i].position`, as a typed array for the lookup's binary search. */
  readonly positions: Uint32Array;
  /** `nodes` index of the owner of token i. */
  readonly owners: Uint16Array;
}

export interface RingOptions {
  /** Tokens per node of weight 1; `virtualNodesDefault` (8) when absent. */
  virtualNodes?: number;
}

/** The ring position of a key: MurmurHash3_x86_32 (seed 0) of its UTF-8 bytes. */
export function keyPosition(key: string): RingPosition {
  // Asked several times per write (placement, the Merkle tree, range checks): memoised, bounded.
  let position = keyPositions.get(key);
  if (position === undefined) {
    if (keyPositions.size >= keyPositionsMax) keyPositions.clear();
    position = murmur3OfText(key, 0);
    keyPositions.set(key, position);
  }
  return position;
}

/** Recently hashed keys' positions (a pure function's memo, so sharing it across nodes is safe). */
const keyPositions = new Map<string, RingPosition>();
const keyPositionsMax = 65_536;

/** The position of `node`'s `index`-th token. */
export function tokenPosition(node: NodeId, index: number): RingPosition {
  return murmur3OfText(`${node}#${index}`, 0);
}

/** How many tokens a node of `weight` gets: round(virtualNodes × weight), at least one. */
export function tokenCountOf(weight: number, virtualNodes: number): number {
  return Math.max(1, Math.round(virtualNodes * weight));
}

/**
 * Checks a membership before a ring is built from it (it comes from a scenario file or the lab's
 * controls). Returns a `KV_INVALID_ARGUMENT` naming the problem, or null.
 */
export function checkRingMembers(members: readonly RingMember[], options: RingOptions = {}): KvError | null {
  const virtualNodes = options.virtualNodes ?? virtualNodesDefault;
  if (!Number.isInteger(virtualNodes) || virtualNodes < 1 || virtualNodes > tokensPerNodeMax) {
    return kvError(
      'KV_INVALID_ARGUMENT',
      `virtual nodes must be an integer from 1 to ${tokensPerNodeMax}; got ${virtualNodes}`,
    );
  }
  if (members.length > 0xffff) return kvError('KV_INVALID_ARGUMENT', 'a ring holds at most 65,535 nodes');
  const seen = new Set<string>();
  for (const member of members) {
    if (typeof member.id !== 'string' || member.id === '') {
      return kvError('KV_INVALID_ARGUMENT', 'every ring member needs a non-empty node id');
    }
    if (seen.has(member.id)) return kvError('KV_INVALID_ARGUMENT', `node ${member.id} is listed twice`);
    seen.add(member.id);
    const weight = member.weight ?? 1;
    if (!Number.isFinite(weight) || weight <= 0) {
      return kvError(
        'KV_INVALID_ARGUMENT',
        `node ${member.id}: weight must be a positive number; got ${weight}`,
      );
    }
    const tokens = tokenCountOf(weight, virtualNodes);
    if (tokens > tokensPerNodeMax) {
      return kvError(
        'KV_INVALID_ARGUMENT',
        `node ${member.id}: weight ${weight} × ${virtualNodes} virtual nodes is ${tokens} tokens; the limit is ${tokensPerNodeMax}`,
      );
    }
    if (
      member.dataCentre !== undefined &&
      (typeof member.dataCentre !== 'string' || member.dataCentre === '')
    ) {
      return kvError(
        'KV_INVALID_ARGUMENT',
        `node ${member.id}: the data-centre label must be a non-empty string`,
      );
    }
  }
  return null;
}

/** Builds the ring of `members`. The membership must pass `checkRingMembers` (asserted). */
export function buildRing(members: readonly RingMember[], options: RingOptions = {}): Ring {
  const problem = checkRingMembers(members, options);
  assert(problem === null, `buildRing: ${problem?.message}`);
  const virtualNodes = options.virtualNodes ?? virtualNodesDefault;
  const nodes: RingNode[] = members
    .map((m) => ({
      id: m.id,
      weight: m.weight ?? 1,
      dataCentre: m.dataCentre ?? dataCentreDefault,
      tokenCount: tokenCountOf(m.weight ?? 1, virtualNodes),
    }))
    .sort((a, b) => compareNodeIds(a.id, b.id) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const tokens: RingToken[] = [];
  for (const node of nodes) {
    for (let index = 0; index < node.tokenCount; index++) {
      tokens.push({ position: tokenPosition(node.id, index), node: node.id, index });
    }
  }
  tokens.sort(
    (a, b) =>
      a.position - b.position || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0) || a.index - b.index,
  );
  const indexOf = new Map(nodes.map((n, i) => [n.id, i]));
  const positions = Uint32Array.from(tokens, (t) => t.position);
  const owners = Uint16Array.from(tokens, (t) => indexOf.get(t.node) as number);
  return Object.freeze({
    virtualNodes,
    nodes: Object.freeze(nodes.map((n) => Object.freeze(n))),
    tokens: Object.freeze(tokens.map((t) => Object.freeze(t))),
    positions,
    owners,
  });
}

/**
 * The index of the token that owns `position`: the first token at or after it, wrapping to token 0.
 * Binary search, O(log tokens). The ring must not be empty.
 */
export function tokenIndexAt(ring: Ring, position: RingPosition): number {
  const positions = ring.positions;
  assert(positions.length > 0, 'tokenIndexAt: the ring has no tokens');
  let lo = 0;
  let hi = positions.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((positions[mid] as number) < position) lo = mid + 1;
    else hi = mid;
  }
  return lo === positions.length ? 0 : lo;
}

/** The node that owns token `i`. */
export function tokenOwner(ring: Ring, i: number): RingNode {
  return ring.nodes[ring.owners[i] as number] as RingNode;
}

/** The resolved member `id`, or undefined when it is not on the ring. */
export function ringNode(ring: Ring, id: NodeId): RingNode | undefined {
  return ring.nodes.find((n) => n.id === id);
}

/** Length of the arc (start, end] in positions; a full circle when start === end. */
export function arcLength(start: RingPosition, end: RingPosition): number {
  const length = (end - start + ringSize) % ringSize;
  return length === 0 ? ringSize : length;
}

/** Whether `position` lies on the arc (start, end], which may wrap past 0. start === end is the circle. */
export function arcContains(start: RingPosition, end: RingPosition, position: RingPosition): boolean {
  if (start === end) return true;
  if (start < end) return position > start && position <= end;
  return position > start || position <= end;
}
