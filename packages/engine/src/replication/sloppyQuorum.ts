/**
 * Which nodes a coordinator asks for a key (Dynamo §4.6, SPEC 1.6). With a *strict* quorum, always
 * the key's top-N preference list, so a down replica simply does not answer. With a *sloppy* quorum,
 * each top-N replica the failure detector believes down is replaced by the next healthy node on the
 * extended preference list — a stand-in that stores the write as a hint naming the replica it stands
 * in for, and hands it over when that replica is back.
 *
 *   preference list  n2  n4  n1 | n5  n3      (n4 down)
 *   sloppy targets   n2  n5  n1                n5 holds a hint "for n4"
 *
 * With replication per data centre a stand-in comes from the data centre of the replica it replaces
 * (the extended list within that DC), so each DC keeps its own copies and LOCAL_QUORUM counts the
 * stand-in where the replica was; when that DC has no healthy node left, no stand-in is taken.
 */

import type { NodeId } from '../protocol/ids.ts';
import type { QuorumMode } from '../scenario/types.ts';

/** A key's replicas and stand-ins (ring/placement.ts `ReplicaList`, or a plain preference list). */
export interface ReplicaCandidates {
  nodes: readonly NodeId[];
  fallbacks: readonly NodeId[];
  /** With data centres: every node's data centre (stand-ins stay in their replica's DC). */
  dataCentreOf?: ReadonlyMap<NodeId, string> | null;
}

export interface ReplicaChoice {
  /** The nodes to ask, in preference order. */
  targets: NodeId[];
  /** Stand-in → the top-N replica it replaces (only for sloppy quorums). */
  hintFor: ReadonlyMap<NodeId, NodeId>;
}

/** The choice of almost every request: no stand-in. Shared, so a healthy request allocates no map. */
const noStandIns: ReadonlyMap<NodeId, NodeId> = new Map();

export function chooseReplicas(
  list: ReplicaCandidates,
  mode: QuorumMode,
  isAlive: (node: NodeId) => boolean,
): ReplicaChoice {
  // Spread, not `slice()`: preference lists are frozen, and V8's `slice` of a frozen array takes a
  // slow path (~20× slower, measured on Node 20) — this runs for every request.
  const targets = [...list.nodes];
  if (mode === 'strict') return { targets, hintFor: noStandIns };
  const dcOf = list.dataCentreOf ?? null;
  let hintFor: Map<NodeId, NodeId> | null = null;
  let standIns: NodeId[] | null = null; // the healthy fallbacks, looked up once a replica is down
  for (let i = 0; i < targets.length; i++) {
    const owner = targets[i] as NodeId;
    if (isAlive(owner)) continue;
    standIns ??= list.fallbacks.filter(isAlive);
    // The first healthy stand-in not yet taken — inside the owner's data centre when there are DCs.
    const at = dcOf === null ? 0 : sameDataCentreAt(standIns, dcOf, owner);
    if (at < 0 || at >= standIns.length) continue; // none: ask the down replica anyway
    const standIn = standIns.splice(at, 1)[0] as NodeId;
    targets[i] = standIn;
    hintFor ??= new Map();
    hintFor.set(standIn, owner);
  }
  return { targets, hintFor: hintFor ?? noStandIns };
}

/**
 * Where the first of `nodes` in `owner`'s data centre is (-1: none). A helper, not an arrow inside
 * `chooseReplicas`: there it would make V8 build a closure context on every request, strict ones too.
 */
function sameDataCentreAt(
  nodes: readonly NodeId[],
  dcOf: ReadonlyMap<NodeId, string>,
  owner: NodeId,
): number {
  const dc = dcOf.get(owner);
  return nodes.findIndex((node) => dcOf.get(node) === dc);
}
