/**
 * What the replication layer tells the world (DESIGN.md rule 4): enough to draw a request trace —
 * who coordinated, which replicas were asked, who answered and when the quorum was reached, how the
 * request ended, the write-back before a read's reply and the read repair after it — and each
 * version a replica stored.
 */

import type { EventBase } from '../protocol/events.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { Version } from '../versioning/siblings.ts';
import type { VectorClock } from '../versioning/vectorClock.ts';
import type { KvOperation } from './requests.ts';

export interface RequestStarted extends EventBase {
  type: 'request.started';
  requestId: string;
  op: KvOperation;
  /** The coordinator's number for it: the `op` of its replica requests and their answers. */
  opNumber: number;
  key: string;
  /** The replicas asked (the key's preference list, or its healthy stand-ins). */
  replicas: NodeId[];
  /** How many answers count as success: R for a get, W for a put or delete. */
  needed: number;
  /** Stand-ins among `replicas` → the replica each stands in for (a sloppy quorum's hints). */
  standIns?: Record<NodeId, NodeId>;
}

export interface RequestForwarded extends EventBase {
  type: 'request.forwarded';
  requestId: string;
  op: KvOperation;
  key: string;
  to: NodeId;
  /** The forwarding node's number for it: the `op` of the forward and of its reply. */
  opNumber: number;
}

/**
 * The forwarder stopped waiting for the node it forwarded to (that node never answered: it crashed,
 * the forward or its reply was lost, or it is slower than its own timeout): its client hears
 * `info`, outcome unknown — the target may still have coordinated the request.
 */
export interface RequestForwardExpired extends EventBase {
  type: 'request.forward-expired';
  requestId: string;
  op: KvOperation;
  key: string;
  to: NodeId;
  waitedMs: number;
}

export interface ReplicaAnswered extends EventBase {
  type: 'replica.answered';
  requestId: string;
  replica: NodeId;
  ok: boolean;
  /** True when the request had already been answered: a late reply (it still feeds read repair). */
  late: boolean;
}

export interface RequestCompleted extends EventBase {
  type: 'request.completed';
  requestId: string;
  op: KvOperation;
  key: string;
  outcome: 'ok' | 'fail' | 'info';
  /** The replicas whose answers counted. */
  answeredBy: NodeId[];
  needed: number;
  latencyMs: number;
  /** For a put or delete that succeeded: the clock of the version it created. */
  clock?: VectorClock;
  error?: string;
}

export interface VersionStored extends EventBase {
  type: 'version.stored';
  key: string;
  clock: VectorClock;
  /** How many siblings the key has on this replica after the write. */
  siblings: number;
  /**
   * Why it was written: a coordinator's put, a replica request, a read repair, a Merkle repair, or a
   * range stream of a membership change (a joiner's bootstrap, a hand-over, a stream-forward).
   */
  cause: 'coordinator' | 'replica' | 'hint-replay' | 'read-repair' | 'anti-entropy' | 'stream';
}

export interface ReadRepairSent extends EventBase {
  type: 'read-repair.sent';
  requestId: string;
  key: string;
  /** The replicas that returned stale versions and were sent the reconciled set. */
  replicas: NodeId[];
}

/**
 * A read wrote its result back before replying (readRepair.ts, `before-reply`): sent to `replicas`
 * because only `holders` were known to hold it and the reply waits for `needed` holders.
 */
export interface WriteBackSent extends EventBase {
  type: 'write-back.sent';
  requestId: string;
  key: string;
  replicas: NodeId[];
  /** The replicas known to hold the result when these were sent (answers equal to it, acks). */
  holders: NodeId[];
  /** Holders the reply waits for: N − R + 1, so that every later read quorum meets one. */
  needed: number;
}

/** A replica acknowledged a write-back once it was durable (`ok`), or refused it. */
export interface WriteBackAcked extends EventBase {
  type: 'write-back.acked';
  requestId: string;
  replica: NodeId;
  ok: boolean;
  /** Holders of the result after this answer. */
  holders: number;
}

/**
 * A coordinator took a new actor name at its start (versioning/actor.ts): its disk had no record of
 * the name its earlier incarnations wrote under, so its new counters must not be compared with theirs.
 */
export interface ActorRenamed extends EventBase {
  type: 'actor.renamed';
  actor: NodeId;
  reason: 'no-record' | 'unreadable-record';
}

export type ReplicationEvent =
  | ActorRenamed
  | RequestStarted
  | RequestForwarded
  | RequestForwardExpired
  | ReplicaAnswered
  | RequestCompleted
  | VersionStored
  | ReadRepairSent
  | WriteBackSent
  | WriteBackAcked;

/** The event for a replica's stored change of `key`: its newest clock and how many siblings remain. */
export function versionStored(
  node: NodeId,
  key: string,
  siblings: readonly Version[],
  cause: VersionStored['cause'],
  at: number,
): VersionStored {
  const newest = siblings[siblings.length - 1];
  return {
    type: 'version.stored',
    at,
    node,
    key,
    clock: newest?.clock ?? [],
    siblings: siblings.length,
    cause,
  };
}
