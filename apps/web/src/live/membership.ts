/**
 * The cluster's membership as the page shows it (SPEC 1.7, §2 "add/remove node"): which nodes are on
 * the ring, the ring before the last change (so the ring view can show what moved), and the one
 * change in progress — a node joining (streaming in the ranges it will own) or leaving (streaming
 * its ranges out). Pure: the folds, the refusal sentences and the log sentences are unit-testable.
 *
 * The ring members follow the engine's own `ring.changed` events, not the page's buttons: a joiner
 * appears on the ring when it has its ranges and announces itself, a leaving node disappears when it
 * has handed them over. The member list is saved in localStorage when a change completes, so a
 * reload reopens the same cluster (each node's data is on OPFS under its own folder).
 *
 * Invariant: at most one change at a time (`joining` and `leaving` hold at most one node together),
 * as the engine's rebalance refuses overlapping changes of one node and a joiner pulls from every
 * old replica, which a concurrent departure would change under it.
 */

import {
  buildRing,
  compareNodeIds,
  type NodeId,
  nodeId,
  ownership,
  type RangeMove,
  rangeMoves,
} from '@kvscope/engine';
import { plural } from '@kvscope/ui';

export interface MembershipView {
  /** The nodes on the ring, as the nodes' `ring.changed` events report it. */
  ring: NodeId[];
  /** The ring before the last change (null before any), and when that change was seen. */
  previous: NodeId[] | null;
  changedAt: number | null;
  /** The node streaming its ranges in, or out; empty when no change is in progress. */
  joining: NodeId[];
  leaving: NodeId[];
  /**
   * Node ids that left this cluster or whose join was cancelled: never given to a new node (their
   * peers remember them as left, or saved fences for them).
   */
  retired: NodeId[];
}

export function initialMembership(order: readonly NodeId[], retired: readonly NodeId[] = []): MembershipView {
  return {
    ring: [...order],
    previous: null,
    changedAt: null,
    joining: [],
    leaving: [],
    retired: [...retired],
  };
}

/** How long the ring view keeps showing the ranges the last change moved. */
export const movesShownMs = 30_000;

/** Applies one node's `ring.changed` report; the first report of a change moves the page's ring. */
export function foldRingChange(
  view: MembershipView,
  added: readonly string[],
  removed: readonly string[],
  at: number,
): MembershipView {
  const fresh = added.filter((id) => !view.ring.includes(id as NodeId)) as NodeId[];
  const gone = removed.filter((id) => view.ring.includes(id as NodeId));
  if (fresh.length === 0 && gone.length === 0) return view;
  const ring = [...view.ring.filter((id) => !gone.includes(id)), ...fresh];
  return { ...view, ring, previous: view.ring, changedAt: at };
}

/** The next node id: one past the highest ever used, so a departed node's id is never reused. */
export function nextNodeId(order: readonly NodeId[], retired: readonly NodeId[]): NodeId {
  const numbers = [...order, ...retired].map((id) => Number(/(\d+)$/.exec(id)?.[1] ?? 0));
  return nodeId(`n${Math.max(0, ...numbers) + 1}`);
}

/** A node's state as far as a membership change cares: it must be running to stream ranges. */
export type Availability = 'up' | 'starting' | 'paused' | 'crashed' | 'suspected' | 'down';

/** Most nodes the lab runs: one Worker each, on a 2-core laptop; and the palette's 12 colours. */
export const labNodesMax = 12;

const busy = (v: MembershipView): string | null => {
  const joining = v.joining[0];
  const leaving = v.leaving[0];
  if (joining)
    return `${joining} is still joining; wait until it serves before changing the membership again.`;
  if (leaving) return `${leaving} is still leaving; wait until it has handed its ranges over.`;
  return null;
};

/** A member that is not up would stall the range streams of a change: named in a sentence. */
function stalledBy(v: MembershipView, states: Readonly<Record<string, Availability>>, except?: NodeId) {
  return v.ring.find((id) => id !== except && (states[id] ?? 'starting') !== 'up');
}

/** Why a node cannot be added now, in one sentence; null when it can. */
export function addProblem(
  v: MembershipView,
  states: Readonly<Record<string, Availability>>,
  maxNodes = labNodesMax,
): string | null {
  const change = busy(v);
  if (change) return change;
  if (v.ring.length >= maxNodes)
    return `The cluster already has ${v.ring.length} nodes, the most this lab runs (one Worker each).`;
  const stalled = stalledBy(v, states);
  if (stalled)
    return `Adding a node needs ${stalled} up (it is ${states[stalled] ?? 'starting'}): a joining node pulls each range from every replica.`;
  return null;
}

/** Why `id` cannot be removed now, in one sentence; null when it can. */
export function removeProblem(
  v: MembershipView,
  id: NodeId,
  n: number,
  states: Readonly<Record<string, Availability>>,
): string | null {
  const change = busy(v);
  if (change) return change;
  if (!v.ring.includes(id)) return `${id} is not on the ring.`;
  const left = v.ring.length - 1;
  if (left < n)
    return `Removing ${id} would leave ${left} node${left === 1 ? '' : 's'}, fewer than N=${n} replicas.`;
  const state = states[id] ?? 'starting';
  if (state !== 'up')
    return `${id} is ${state}: a decommission streams its ranges out, so ${id} must be up (restart or resume it first).`;
  const stalled = stalledBy(v, states, id);
  if (stalled)
    return `Removing ${id} needs ${stalled} up (it is ${states[stalled] ?? 'starting'}): ${stalled} would receive some of ${id}'s ranges.`;
  return null;
}

/** What a change did to the ring, from the before and after member lists (engine `rangeMoves`). */
export interface ChangeSummary {
  /** Share of the ring the node gains (joined) or gives up (left) as a replica, 0…1. */
  replicaShare: number;
  /** Share it is (or was) primary for. */
  primaryShare: number;
  /** The nodes it took ranges from (join) or handed them to (leave). */
  counterparts: NodeId[];
  moves: RangeMove[];
}

export function summariseChange(
  before: readonly NodeId[],
  after: readonly NodeId[],
  node: NodeId,
  n: number,
  virtualNodes: number,
): ChangeSummary {
  const ringOf = (ids: readonly NodeId[]) =>
    buildRing(
      ids.map((id) => ({ id })),
      { virtualNodes },
    );
  const was = ringOf(before);
  const now = ringOf(after);
  const joined = after.includes(node) && !before.includes(node);
  const moves = rangeMoves(was, now, n).filter((m) => (joined ? m.gained : m.lost).includes(node));
  const counterparts = new Set<NodeId>();
  for (const m of moves) for (const id of joined ? m.lost : m.gained) counterparts.add(id);
  const share = ownership(joined ? now : was, n).find((s) => s.node === node);
  return {
    replicaShare: moves.reduce((sum, m) => sum + m.fraction, 0),
    primaryShare: share?.primary ?? 0,
    counterparts: [...counterparts].sort(compareNodeIds),
    moves,
  };
}

/** What the rebalance reported when it finished (engine `rebalance.finished`). */
export interface RebalanceTotals {
  streams: number;
  keys: number;
  ms: number;
}

const percent = (f: number) => `${Math.round(f * 100)}%`;
const seconds = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

/** "n6 joined: replica for 48% of the ring (primary for 16%), taken from n2, n4; 212 keys …" */
export function describeJoin(node: NodeId, summary: ChangeSummary, totals: RebalanceTotals): string {
  const from = summary.counterparts.length ? `, taken from ${summary.counterparts.join(', ')}` : '';
  return `${node} joined: replica for ${percent(summary.replicaShare)} of the ring (primary for ${percent(summary.primaryShare)})${from}; ${plural(totals.keys, 'key')} streamed in ${plural(totals.streams, 'stream')} in ${seconds(totals.ms)}`;
}

/** "n5 left: handed 212 keys (its 52% of the ring) to n1, n3 in 8 streams in 0.3 s" */
export function describeLeave(node: NodeId, summary: ChangeSummary, totals: RebalanceTotals): string {
  const to = summary.counterparts.length ? ` to ${summary.counterparts.join(', ')}` : '';
  return `${node} left: handed ${plural(totals.keys, 'key')} (its ${percent(summary.replicaShare)} of the ring)${to} in ${plural(totals.streams, 'stream')} in ${seconds(totals.ms)}`;
}

const membersKey = 'kvscope.members';

export interface SavedMembers {
  members: NodeId[];
  retired: NodeId[];
}

/** The member list saved by the last completed change, or null (the default cluster). */
export function loadMembers(): SavedMembers | null {
  try {
    const raw = JSON.parse(localStorage.getItem(membersKey) ?? 'null') as Partial<SavedMembers> | null;
    const ids = (list: unknown) =>
      Array.isArray(list) && list.every((id) => typeof id === 'string' && /^n\d+$/.test(id))
        ? (list as NodeId[])
        : null;
    const members = ids(raw?.members);
    if (!members || members.length === 0 || members.length > labNodesMax) return null;
    return { members, retired: ids(raw?.retired) ?? [] };
  } catch {
    return null;
  }
}

export function saveMembers(saved: SavedMembers): void {
  localStorage.setItem(membersKey, JSON.stringify(saved));
}
