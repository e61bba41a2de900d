/**
 * How much of the ring each node owns (SPEC 1.2, T12): the share of positions for which it is the
 * primary (first of the preference list) and the share for which it holds any of the N replicas.
 * With uniformly hashed keys these are the node's expected shares of keys and of stored data. The
 * load imbalance (largest share over the mean) is what virtual nodes reduce; the lab shows it.
 */

import type { NodeId } from '../protocol/ids.ts';
import { preferenceListOfToken } from './preferenceList.ts';
import { arcLength, type Ring, ringSize } from './ring.ts';

export interface NodeOwnership {
  node: NodeId;
  tokenCount: number;
  /** Share of the ring (0…1) for which this node is the primary replica. */
  primary: number;
  /** Share of the ring for which this node is one of the N replicas (sums to min(N, nodes) overall). */
  replica: number;
}

/** Per node, in the ring's node order. */
export function ownership(ring: Ring, n: number): NodeOwnership[] {
  const shares = new Map<NodeId, NodeOwnership>(
    ring.nodes.map((node) => [
      node.id,
      { node: node.id, tokenCount: node.tokenCount, primary: 0, replica: 0 },
    ]),
  );
  const count = ring.positions.length;
  for (let i = 0; i < count; i++) {
    const start = ring.positions[(i - 1 + count) % count] as number;
    const share = count === 1 ? 1 : arcLength(start, ring.positions[i] as number) / ringSize;
    const nodes = preferenceListOfToken(ring, i, n).nodes;
    (shares.get(nodes[0] as NodeId) as NodeOwnership).primary += share;
    for (const id of nodes) (shares.get(id) as NodeOwnership).replica += share;
  }
  return [...shares.values()];
}

/** Largest share over the mean share (1 = perfectly even); `which` picks primary or replica shares. */
export function ownershipImbalance(
  shares: readonly NodeOwnership[],
  which: 'primary' | 'replica' = 'primary',
): number {
  if (shares.length === 0) return 1;
  const values = shares.map((s) => s[which]);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return mean === 0 ? 1 : Math.max(...values) / mean;
}
