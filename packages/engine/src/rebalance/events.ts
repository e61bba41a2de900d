/**
 * What membership changes tell the world (SPEC 1.7): a node's ring changed (who came, who went,
 * how much of the ring changed hands), and every range stream it opened or received, with the keys
 * and bytes that travelled, and the copies it deleted after a join. Each is seen by one node (`node`);
 * the lab draws moving ranges from them.
 */

import type { KeyRange } from '../antiEntropy/ranges.ts';
import type { EventBase } from '../protocol/events.ts';
import type { NodeId } from '../protocol/ids.ts';

export interface RingChanged extends EventBase {
  type: 'ring.changed';
  added: NodeId[];
  removed: NodeId[];
  /** Share of the ring (0…1) whose N-replica preference lists changed. */
  movedFraction: number;
  /** How many ranges changed hands. */
  ranges: number;
}

export type StreamDirection = 'in' | 'out';

export interface StreamStarted extends EventBase {
  type: 'stream.started';
  stream: string;
  /** The other end: the source of an incoming stream, the destination of an outgoing one. */
  peer: NodeId;
  direction: StreamDirection;
  range: KeyRange;
}

/** A finished stream, as the owner of the streams (the rebalance) learns of it and reports it. */
export interface StreamResult {
  stream: string;
  peer: NodeId;
  direction: StreamDirection;
  range: KeyRange;
  /** Keys that travelled in the stream's batches. */
  keys: number;
  /** Encoded bytes of their versions. */
  bytes: number;
  ms: number;
}

export interface StreamDone extends EventBase, StreamResult {
  type: 'stream.done';
}

/**
 * The joiner has its ranges and serves; the node that lost its disk has them back and answers reads
 * again (rebalance.ts `rebuild`); or the leaving node has handed them over and leaves.
 */
export interface RebalanceFinished extends EventBase {
  type: 'rebalance.finished';
  kind: 'bootstrap' | 'rebuild' | 'decommission';
  streams: number;
  keys: number;
  bytes: number;
  ms: number;
}

/**
 * This node lost its disk (it started without its records, not for the first time): it pulls the
 * `ranges` it replicates back `from` the other replicas, and answers reads once they are here.
 */
export interface RebuildStarted extends EventBase {
  type: 'rebuild.started';
  ranges: number;
  from: NodeId[];
}

/** A decommission that cannot start (the node is the last one, or already moving ranges). */
export interface RebalanceRefused extends EventBase {
  type: 'rebalance.refused';
  error: string;
}

/**
 * After a join: this node deleted the keys of a range it handed to `peer` and no longer replicates
 * (rangeCleanup.ts). `keysKept` are keys it could not prove the peer holds (stored again after the
 * last re-send) or holds hints for: left in place, never deleted unsafely.
 */
export interface RangeCleaned extends EventBase {
  type: 'range.cleaned';
  peer: NodeId;
  range: KeyRange;
  keysRemoved: number;
  keysKept: number;
  /** Sweeps it took: 1, plus one per re-send of keys stored during the hand-over. */
  rounds: number;
}

/**
 * This node holds keys of ranges it no longer replicates that no hand-over covers (the ring changed
 * while it was away, rebalance/strayKeys.ts): it streams them to a current replica of each range,
 * and the clean-up deletes them once acknowledged (`range.cleaned`).
 */
export interface StrayKeysFound extends EventBase {
  type: 'range.strays';
  keys: number;
  /** The replicas the keys go to, one stream per range. */
  to: NodeId[];
  streams: number;
}

/**
 * This node stopped serving `ranges` ranges it hands to the joiner `peer` (rangeFences.ts): it
 * refuses their reads and writes from now on, so the joiner can serve them without missing a write.
 */
export interface RangeFenced extends EventBase {
  type: 'range.fenced';
  peer: NodeId;
  ranges: number;
}

/**
 * A node (re)started over files that hold a saved ring (ringFile.ts): it took that ring (`disk`),
 * or could not trust it and fell back to its configured members (`config`, with the `problem`).
 */
export interface RingRestored extends EventBase {
  type: 'ring.restored';
  from: 'disk' | 'config';
  members: NodeId[];
  /** The saved ring says this node had left: it stays off the ring and does not serve. */
  left: boolean;
  problem?: string;
}

/**
 * A restarted node heard enough of its peers' rings, but one of them fenced ranges for `joiner`,
 * which its ring does not show yet: it waits until it does (ringStateExchange.ts), serving nothing
 * under strict quorums meanwhile.
 */
export interface RingWaitsForJoiner extends EventBase {
  type: 'ring.waitsForJoiner';
  joiner: NodeId;
}

export type RebalanceEvent =
  | RingChanged
  | RingRestored
  | RingWaitsForJoiner
  | StreamStarted
  | StreamDone
  | RebalanceFinished
  | RebuildStarted
  | RebalanceRefused
  | RangeCleaned
  | RangeFenced
  | StrayKeysFound;
