/**
 * What the nodes believe about each other, read off their polled snapshots' membership tables
 * (engine membership `snapshot()`: one row per member with its status, heartbeat and reporters):
 *
 *   - the who-thinks-who-is-alive matrix (observer × member), where a crashed observer has no row;
 *   - one state per node for the cluster view, the ring and the nodes table, combining what the page
 *     knows for certain (it killed, paused or is starting the worker) with the live nodes' verdicts:
 *     down when most of the other live nodes hold it down, suspected when any doubts it, up otherwise.
 *
 * Most, not any: under a partition each side holds the other down, and with "any" every node of a
 * 3 | 2 split was drawn down — the whole cluster red and crossed out on the ring while the three
 * served every request. Now the two are down (held so by three of four) and the three suspected,
 * with whose verdict it is (`heldDownBy`). A killed node is down once most of the others say so.
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
  /** Those of them that hold it down (or gone). */
  heldDownBy: string[];
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
  const heldDownBy = [...doubters('down'), ...doubters('left')].sort();
  const doubtedBy = [...heldDownBy, ...doubters('suspected')].sort();
  const observers = Object.keys(matrix).filter((observer) => observer !== id && matrix[observer]?.[id]);
  const status = node?.status ?? 'starting';
  const verdict = (state: NodeState): NodeVerdict => ({ state, doubtedBy, heldDownBy });
  if (status !== 'up') return verdict(status);
  if (heldDownBy.length * 2 > observers.length) return verdict('down');
  return verdict(doubtedBy.length ? 'suspected' : 'up');
}

/** Whose verdict a node's state is, for its label: "by n1,n2", or "down for n4,n5" when most disagree. */
export function verdictSource({ state, doubtedBy, heldDownBy }: NodeVerdict, separator = ','): string {
  if (doubtedBy.length === 0) return '';
  if (state !== 'down' && heldDownBy.length) return `down for ${heldDownBy.join(separator)}`;
  return `by ${doubtedBy.join(separator)}`;
}

/** Nodes the ring should cross out: crashed, or held down by most of the other live nodes. */
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
