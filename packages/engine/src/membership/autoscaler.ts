/**
 * The autoscaler policy (SPEC 1.7): a pure function from the cluster's recent load to a decision —
 * add a node, remove one, or hold — so that the lab can show the cluster scaling with its traffic.
 *
 *   mean load per node > highLoadPerNode for sustainMs  ─▶ add      (unless at maxNodes)
 *   mean load per node < lowLoadPerNode  for sustainMs  ─▶ remove   (unless at minNodes)
 *   within coolDownMs of the last change                ─▶ hold     (let the ring settle and the
 *                                                                    moved ranges finish streaming)
 *
 * "Stays above" matters: a burst shorter than `sustainMs` scales nothing. The node removed is the
 * least loaded of those that can leave now (ties: the last by id, so the first nodes, usually the
 * seeds, stay): a paused or crashed node serves nothing, but it cannot hand its ranges over either.
 * The policy holds no I/O and no clock: the driver passes `now` and the observed loads and keeps
 * the returned state.
 * Invariant: the thresholds leave a gap (low < high), so one change cannot flip the next decision.
 */

import { type KvError, kvError } from '../errors.ts';
import { compareNodeIds, type NodeId } from '../protocol/ids.ts';

export interface AutoscalerSettings {
  /** Operations per second per node above which the cluster grows. */
  highLoadPerNode: number;
  /** Operations per second per node below which it shrinks. */
  lowLoadPerNode: number;
  minNodes: number;
  maxNodes: number;
  /** How long the load must stay beyond a threshold before a change. */
  sustainMs: number;
  /** No change within this long of the previous one. */
  coolDownMs: number;
}

export interface AutoscalerState {
  /** Since when the load has been above the high threshold (null: it is not). */
  aboveSince: number | null;
  belowSince: number | null;
  lastChangeAt: number | null;
}

export type ScalingDecision =
  | { kind: 'add'; loadPerNode: number }
  | { kind: 'remove'; node: NodeId; loadPerNode: number }
  | { kind: 'hold'; loadPerNode: number; reason: string };

export const autoscalerStart: AutoscalerState = Object.freeze({
  aboveSince: null,
  belowSince: null,
  lastChangeAt: null,
});

/** Refuses settings that cannot work: thresholds without a gap, sizes out of order. */
export function checkAutoscalerSettings(s: AutoscalerSettings): KvError | null {
  const fail = (sentence: string) => kvError('KV_INVALID_ARGUMENT', `autoscaler: ${sentence}`);
  if (!(s.lowLoadPerNode >= 0 && s.lowLoadPerNode < s.highLoadPerNode)) {
    return fail(
      `lowLoadPerNode must be ≥ 0 and below highLoadPerNode (got ${s.lowLoadPerNode} and ${s.highLoadPerNode})`,
    );
  }
  if (!(Number.isInteger(s.minNodes) && s.minNodes >= 1 && s.minNodes <= s.maxNodes)) {
    return fail(`minNodes must be an integer from 1 to maxNodes (got ${s.minNodes} and ${s.maxNodes})`);
  }
  if (!(s.sustainMs >= 0 && s.coolDownMs >= 0)) return fail('sustainMs and coolDownMs must be ≥ 0');
  return null;
}

/**
 * One decision from the load each serving node saw (operations per second, by node id), removing
 * only a node `canLeave` accepts (default: any). Returns the decision and the state to pass next time.
 */
export function decideScaling(
  state: AutoscalerState,
  settings: AutoscalerSettings,
  now: number,
  loadByNode: Readonly<Record<NodeId, number>>,
  canLeave: (node: NodeId) => boolean = () => true,
): { decision: ScalingDecision; state: AutoscalerState } {
  const nodes = Object.keys(loadByNode) as NodeId[];
  const total = nodes.reduce((sum, id) => sum + (loadByNode[id] ?? 0), 0);
  const loadPerNode = nodes.length === 0 ? 0 : total / nodes.length;
  const next: AutoscalerState = {
    aboveSince: loadPerNode > settings.highLoadPerNode ? (state.aboveSince ?? now) : null,
    belowSince: loadPerNode < settings.lowLoadPerNode ? (state.belowSince ?? now) : null,
    lastChangeAt: state.lastChangeAt,
  };
  const hold = (reason: string) => ({
    decision: { kind: 'hold', loadPerNode, reason } as const,
    state: next,
  });
  if (next.lastChangeAt !== null && now - next.lastChangeAt < settings.coolDownMs)
    return hold('cooling down');
  const sustained = (since: number | null) => since !== null && now - since >= settings.sustainMs;
  if (sustained(next.aboveSince)) {
    if (nodes.length >= settings.maxNodes) return hold(`at the maximum of ${settings.maxNodes} nodes`);
    const changed = { aboveSince: null, belowSince: null, lastChangeAt: now };
    return { decision: { kind: 'add', loadPerNode }, state: changed };
  }
  if (sustained(next.belowSince)) {
    if (nodes.length <= settings.minNodes) return hold(`at the minimum of ${settings.minNodes} nodes`);
    const candidates = nodes.filter(canLeave);
    if (candidates.length === 0) return hold('no node that could leave now (each is down, paused or busy)');
    const changed = { aboveSince: null, belowSince: null, lastChangeAt: now };
    return {
      decision: { kind: 'remove', node: leastLoaded(loadByNode, candidates), loadPerNode },
      state: changed,
    };
  }
  return hold('load within the thresholds');
}

function leastLoaded(loadByNode: Readonly<Record<NodeId, number>>, nodes: readonly NodeId[]): NodeId {
  const sorted = [...nodes].sort(
    (a, b) => (loadByNode[a] ?? 0) - (loadByNode[b] ?? 0) || compareNodeIds(b, a),
  );
  return sorted[0] as NodeId;
}
