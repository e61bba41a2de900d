/**
 * Which nodes a coordinator asks for a key (Dynamo §4.6, SPEC 1.6). With a *strict* quorum, always
 * the key's top-N preference list, so a down replica simply does not answer. With a *sloppy* quorum,
 * each top-N replica the failure detector believes down is replaced by the next healthy node on the
 * extended preference list — a stand-in that stores the write as a hint naming the replica it stands
 * in for, and hands it over when that replica is back.
 *
 *   preference list  n2  n4  n1 | n5  n3      (n4 down)
 *   sloppy targets   n2  n5  n1                n5 holds a hint "for n4"
 */

import type { NodeId } from '../protocol/ids.ts';
import type { ExtendedPreferenceList } from '../ring/preferenceList.ts';
import type { QuorumMode } from '../scenario/types.ts';

export interface ReplicaChoice {
  /** The nodes to ask, in preference order. */
  targets: NodeId[];
  /** Stand-in → the top-N replica it replaces (only for sloppy quorums). */
  hintFor: Map<NodeId, NodeId>;
}

export function chooseReplicas(
  list: ExtendedPreferenceList,
  mode: QuorumMode,
  isAlive: (node: NodeId) => boolean,
): ReplicaChoice {
  const targets = list.nodes.slice();
  const hintFor = new Map<NodeId, NodeId>();
  if (mode === 'strict') return { targets, hintFor };
  const standIns = list.fallbacks.filter(isAlive);
  for (let i = 0; i < targets.length; i++) {
    const owner = targets[i] as NodeId;
    if (isAlive(owner)) continue;
    const standIn = standIns.shift();
    if (!standIn) break; // fewer healthy nodes than N: ask the down replica anyway
    targets[i] = standIn;
    hintFor.set(standIn, owner);
  }
  return { targets, hintFor };
}
