/**
 * What the nodes believe about each other, read off their polled snapshots' membership tables
 * (engine membership `snapshot()`: one row per member with its status, heartbeat and reporters):
 *
 *   - the who-thinks-who-is-alive matrix (observer × member), where a crashed observer has no row;
 *   - one state per node for the cluster view, the ring and the nodes table, combining what the page
 *     knows for certain (it killed, paused or is starting the worker) with the live nodes' verdicts:
 *     down when any live node holds it down, suspected when any suspects it, up otherwise.
 *
 * Pure, so the rules are unit-tested without workers.
 */

import type { NodeId, NodeSnapshot } from '@kvscope/engine';
import type { LiveNode } from './labStore.ts';

export type Belief = 'alive' | 'suspected' | 'down' | 'left';

/** One row of a node's membership table, as much of it as the lab reads. */
export interface MemberRow {
  id: string;
  status: Belief;
  heartbeat: number;
  silentForMs: number;
  reporters: string[];
  /** The suspicion level, from a phi-accrual detector only. */
  phi?: number;
}

export type NodeState = 'starting' | 'up' | 'suspected' | 'down' | 'paused' | 'crashed';

export interface NodeVerdict {
  state: NodeState;
  /** The live nodes that hold it suspected or down (empty when all agree it is up). */
  doubtedBy: string[];
}

const isRow = (row: unknown): row is MemberRow =>
  typeof row === 'object' &&
  row !== null &&
  typeof (row as MemberRow).id === 'string' &&
  typeof (row as MemberRow).status === 'string';

/** The membership table in a snapshot, or null before gossip has landed in the node. */
export function membershipOf(snapshot: NodeSnapshot | null | undefined): MemberRow[] | null {
  const rows = snapshot?.membership;
  return Array.isArray(rows) && rows.every(isRow) ? rows : null;
}

/** `matrix[observer][member]`: what each running node believes; absent observers have no row. */
export function beliefMatrix(
  order: readonly NodeId[],
  snapshots: Readonly<Record<string, NodeSnapshot | null>>,
): Record<string, Record<string, Belief>> {
  const matrix: Record<string, Record<string, Belief>> = {};
  for (const observer of order) {
    const rows = membershipOf(snapshots[observer]);
    if (!rows) continue;
    matrix[observer] = Object.fromEntries(rows.map((r) => [r.id, r.status]));
  }
  return matrix;
}

export function nodeVerdict(
  id: NodeId,
  node: LiveNode | undefined,
  matrix: Readonly<Record<string, Record<string, Belief>>>,
): NodeVerdict {
  const doubters = (belief: Belief) =>
    Object.keys(matrix).filter((observer) => observer !== id && matrix[observer]?.[id] === belief);
  const down = [...doubters('down'), ...doubters('left')];
  const suspected = doubters('suspected');
  const doubtedBy = [...down, ...suspected].sort();
  const status = node?.status ?? 'starting';
  if (status !== 'up') return { state: status, doubtedBy };
  if (down.length) return { state: 'down', doubtedBy };
  if (suspected.length) return { state: 'suspected', doubtedBy };
  return { state: 'up', doubtedBy };
}

/** Nodes the ring should cross out: crashed, or held down by a live node. */
export function unavailableNodes(
  order: readonly NodeId[],
  nodes: Readonly<Record<string, LiveNode>>,
  matrix: Readonly<Record<string, Record<string, Belief>>>,
): NodeId[] {
  return order.filter((id) => {
    const state = nodeVerdict(id, nodes[id], matrix).state;
    return state === 'crashed' || state === 'down';
  });
}
