/**
 * A request in flight at its coordinator (coordinator.ts): whom it asked, what its quorum needs,
 * what has come back, and — after the reply — what it still waits for (late answers, read repair).
 * Kept apart so that the coordinator's file holds the protocol and this one the record it keeps.
 */

import type { NodeId } from '../protocol/ids.ts';
import type { Version } from '../versioning/siblings.ts';
import type { QuorumRule, TargetDataCentre } from './consistency.ts';
import type { ReplyTo } from './coordinator.ts';
import type { WriteBack } from './readRepair.ts';
import type { DeleteRequest, GetRequest, KvReply, PutRequest } from './requests.ts';

export interface PendingCommon {
  op: number;
  key: string;
  targets: NodeId[];
  /** Stand-ins among the targets → the replica each stands in for (sloppy quorum). */
  hintFor: ReadonlyMap<NodeId, NodeId>;
  /** Total answers the rule needs (for events); `rule` decides. */
  needed: number;
  rule: QuorumRule;
  dcOf: TargetDataCentre;
  startedAt: number;
  deadline: number;
  replyTo: ReplyTo;
  /** True once the client has its answer; the entry lives on for late answers. */
  replied: boolean;
}

export interface PendingWrite extends PendingCommon {
  kind: 'write';
  request: PutRequest | DeleteRequest;
  version: Version;
  acked: NodeId[];
  refused: NodeId[];
}

export interface PendingRead extends PendingCommon {
  kind: 'read';
  request: GetRequest;
  answers: Map<NodeId, Version[]>;
  /** After the reply: when to stop waiting for late answers and repair. */
  repairAt: number | null;
  /** The write-back before the reply, once the quorum showed it is needed. */
  writeBack: WriteBack | null;
  /** The reply the write-back holds back until enough replicas hold its result. */
  held: KvReply | null;
}

export type Pending = PendingWrite | PendingRead;

/**
 * Those of `nodes` (the replicas that acknowledged or answered) that stood in for an owner, as
 * stand-in → owner, for the reply; undefined when none did (the common case allocates nothing).
 */
export function standInsAmong(
  entry: PendingCommon,
  nodes: Iterable<NodeId>,
): Record<string, NodeId> | undefined {
  if (entry.hintFor.size === 0) return undefined;
  const found: Record<string, NodeId> = {};
  let any = false;
  for (const node of nodes) {
    const owner = entry.hintFor.get(node);
    if (owner === undefined) continue;
    found[node] = owner;
    any = true;
  }
  return any ? found : undefined;
}
