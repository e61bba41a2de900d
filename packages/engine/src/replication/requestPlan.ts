/**
 * What a node does with a client request (SPEC 1.3, 1.4, 1.6): refuse it, forward it to a replica,
 * or coordinate it — and then which nodes to ask and how many answers, from which data centres,
 * make it succeed. A pure function of the request, the node's ring and placement, its settings and
 * its failure detector's view; the node (kvNode.ts) only carries the plan out.
 *
 *   request ─▶ refusal? ─▶ replicasFor(key) ─▶ sloppy stand-ins ─▶ quorum rule ─▶ forward? ─▶ plan
 *
 * Data centres shape the plan in three places: a write is forwarded to a replica in the client's own
 * data centre (so LOCAL_QUORUM means the client's DC, and the forward carries it as `localDc`); a
 * LOCAL_QUORUM read asks only the local DC's replicas (remote ones could not count, and the WAN is
 * the slow link); and the rule counts answers per DC (consistency.ts).
 */

import { isKvError, type KvError } from '../errors.ts';
import type { NodeId } from '../protocol/ids.ts';
import { type Placement, type ReplicaList, replicasFor, replicationFactorOf } from '../ring/placement.ts';
import type { Ring } from '../ring/ring.ts';
import type { ConsistencyLevel, QuorumMode } from '../scenario/types.ts';
import { type QuorumRule, quorumRule, type TargetDataCentre } from './consistency.ts';
import { type KvRequest, refusal } from './requests.ts';
import { chooseReplicas } from './sloppyQuorum.ts';

/** What the node knows when it plans. */
export interface PlanView {
  self: NodeId;
  ring: Ring;
  placement: Placement;
  quorum: QuorumMode;
  /** The cluster's R and W, for requests that name none. */
  r: ConsistencyLevel;
  w: ConsistencyLevel;
  isAlive: (node: NodeId) => boolean;
  /** False when this node does not serve the key (a range it hands to a joiner): never a target. */
  selfServes?: boolean;
}

export interface RequestPlan {
  /** The request as it goes on (a forwarded write carries the client's data centre). */
  request: KvRequest;
  /** A replica of the key to hand the write to, or null to coordinate it here. */
  forwardTo: NodeId | null;
  targets: NodeId[];
  /** Stand-ins among the targets → the replica each stands in for. */
  hintFor: ReadonlyMap<NodeId, NodeId>;
  rule: QuorumRule;
  /** The data centre each target answers for (a stand-in: its replica's). */
  dcOf: TargetDataCentre;
}

/** Plans `request`; `forwarded` when another node already handed it here. */
export function planRequest(request: KvRequest, view: PlanView, forwarded: boolean): RequestPlan | KvError {
  const replicas = replicasFor(view.ring, request.key, view.placement);
  const refused = refusal(request, replicationFactorOf(view.placement));
  if (refused) return refused;
  const selfDc = replicas.dataCentreOf?.get(view.self);
  const localDc = request.type === 'get' ? selfDc : (request.localDc ?? selfDc);
  const what = request.type === 'get' ? 'R' : 'W';
  const level =
    (request.type === 'get' ? request.r : request.w) ?? (request.type === 'get' ? view.r : view.w);
  const rule = quorumRule(what, level, view.placement, localDc);
  if (isKvError(rule)) return rule;
  const choice = chooseReplicas(localCandidates(request, replicas, rule, localDc), view.quorum, view.isAlive);
  const { hintFor } = choice;
  const targets = view.selfServes === false ? without(choice.targets, view.self) : choice.targets;
  const dcMap = replicas.dataCentreOf;
  const dcOf = dcMap === null ? noDataCentre : targetDataCentre(dcMap, hintFor);
  const plan = { request, forwardTo: null, targets, hintFor, rule, dcOf };
  if (request.type === 'get' || forwarded) return plan;
  const forwardTo = writeForwardTarget(targets, hintFor, view, dcMap, localDc);
  if (forwardTo === null) return plan;
  const carried = dcMap !== null && localDc !== undefined ? { ...request, localDc } : request;
  return { ...plan, request: carried, forwardTo };
}

// The arrows below live in helpers of `planRequest`, not in it: there they would make V8 build its
// closure context on every request, though most requests need none of them.

/**
 * The replica a write planned here goes to instead, or null to coordinate it here. Writes are
 * coordinated by a replica of the key, so clocks name replicas only (Dynamo §4.4). Not by a
 * stand-in while a replica is reachable: it keeps the key only as hints, deleted after the
 * handoff, and would issue the same dot again to its next write of the key (one lost). A replica
 * believed down stays a target only when stand-ins ran out: never forward to it.
 */
function writeForwardTarget(
  targets: readonly NodeId[],
  hintFor: ReadonlyMap<NodeId, NodeId>,
  view: PlanView,
  dcMap: ReadonlyMap<NodeId, string> | null,
  localDc: string | undefined,
): NodeId | null {
  const owners = targets.filter((node) => !hintFor.has(node) && view.isAlive(node));
  const standInOnly = hintFor.has(view.self) && owners.length > 0;
  if (targets.includes(view.self) && !standInOnly) return null;
  const sameDc = dcMap === null ? undefined : owners.find((node) => dcMap.get(node) === localDc);
  return sameDc ?? owners[0] ?? (targets[0] as NodeId);
}

function without(nodes: readonly NodeId[], node: NodeId): NodeId[] {
  return nodes.filter((n) => n !== node);
}

/** With data centres: the data centre each target answers for (a stand-in: its replica's). */
function targetDataCentre(
  dcMap: ReadonlyMap<NodeId, string>,
  hintFor: ReadonlyMap<NodeId, NodeId>,
): TargetDataCentre {
  return (target) => dcMap.get(hintFor.get(target) ?? target);
}

/** Without data centres no target has one (shared: most plans need no closure of their own). */
const noDataCentre: TargetDataCentre = () => undefined;

/** A LOCAL_QUORUM read asks the local data centre's replicas only; everything else asks all. */
function localCandidates(
  request: KvRequest,
  replicas: ReplicaList,
  rule: QuorumRule,
  localDc: string | undefined,
): ReplicaList {
  const dcOf = replicas.dataCentreOf;
  if (request.type !== 'get' || rule.level !== 'LOCAL_QUORUM' || dcOf === null || localDc === undefined)
    return replicas;
  let byDc = localLists.get(replicas);
  if (!byDc) {
    byDc = new Map();
    localLists.set(replicas, byDc);
  }
  let list = byDc.get(localDc);
  if (!list) {
    const local = (node: NodeId) => dcOf.get(node) === localDc;
    list = { ...replicas, nodes: replicas.nodes.filter(local), fallbacks: replicas.fallbacks.filter(local) };
    byDc.set(localDc, list);
  }
  return list;
}

/** Per (cached, immutable) replica list, per data centre: its local part (collected with the list). */
const localLists = new WeakMap<ReplicaList, Map<string, ReplicaList>>();
