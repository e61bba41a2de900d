/**
 * The node contract: a node is a state machine stepped by a driver (DESIGN.md "The one idea").
 *
 *   driver ──NodeInput──▶ node.step() ──NodeOutput──▶ driver
 *            message | tick | request | control         messages, replies, events, wakeAt
 *
 * A node does no I/O of its own. Time arrives as `now` in every input; randomness comes from the
 * `Rng` in its `NodeEnv`; files from the `FileSystem` there; messages leave only as envelopes in
 * the output. The two drivers — the simulator (one thread, virtual time) and the live worker
 * (real timers, MessageChannel ports, OPFS) — run this same code.
 *
 * Ordering rule, written on the output type as etcd's raft writes it on `Ready`: when
 * `syncBeforeSend` is true, the driver must call `node.sync()` (and, for an asynchronous backend,
 * await `fs.durable()`) before any message or reply of that output leaves the node. A driver may
 * step a node several times and sync once before sending all of their outputs: that is group commit.
 *
 * This covers requests as well as acknowledgements. Sending a coordinator's replica-puts before its
 * own sync (so that its flush and the replicas' overlap) would look safe — the client reply and the
 * acks counted toward W would still wait — but the new version carries the coordinator's dot
 * (node, counter), chosen past the counters in its *local* sibling set. A coordinator that crashed
 * after the send and before its sync restarts without that version and issues the same dot for its
 * next write of the key: replicas that stored the first take the second for a duplicate
 * (`sameWrite`), and a context read from the first covers the second, so an acknowledged write can
 * vanish (P1). Overlapping the flushes needs dots that survive a crash first, e.g. a per-incarnation
 * actor id as Riak's vnode epochs give.
 */

import type { ClusterEvent } from '../protocol/events.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { Envelope } from '../protocol/messages.ts';
import type { Rng } from '../random/rng.ts';
import type { KvReply, KvRequest } from '../replication/requests.ts';
import type { FileSystem } from '../storage/files/fileSystem.ts';

/** A node's counters, for clients that want to look inside. */
export type StatsRequest = { type: 'stats'; requestId: string };
export type StatsReply = { type: 'stats'; requestId: string; ok: true; stats: Record<string, number> };

/** What a client asks of a node: the store's get/put/delete, or its counters. */
export type ClientRequest = StatsRequest | KvRequest;

/** The answer to one `ClientRequest`, matched by `requestId`. */
export type ClientReply = StatsReply | KvReply;

/** Commands from the operator (the lab or a scenario), not from clients. */
export type ControlCommand = { type: 'configure'; patch: Record<string, unknown> };

export type NodeInput =
  | { type: 'start'; now: number }
  | { type: 'tick'; now: number }
  | { type: 'message'; now: number; envelope: Envelope }
  | { type: 'request'; now: number; request: ClientRequest }
  | { type: 'control'; now: number; command: ControlCommand };

export interface NodeOutput {
  /** Writes of this step must be made durable (`node.sync()`) before messages or replies leave. */
  syncBeforeSend: boolean;
  messages: Envelope[];
  replies: ClientReply[];
  events: ClusterEvent[];
  /** The earliest time the node wants a `tick`, or null when it has nothing scheduled. */
  wakeAt: number | null;
}

/** A plain-data picture of one node for the lab's inspector; each node kind adds its fields. */
export interface NodeSnapshot {
  id: NodeId;
  kind: string;
  at: number;
  [field: string]: unknown;
}

export interface StorageNode {
  readonly id: NodeId;
  step(input: NodeInput): NodeOutput;
  /** Makes every write so far durable (flushes the commit log). Cheap when nothing is pending. */
  sync(): void;
  snapshot(now: number): NodeSnapshot;
  /** Releases file handles. Not called on a crash: a crashed node is simply dropped. */
  close(): void;
}

/** What a driver hands a node when it creates (or re-creates, after a crash) one. */
export interface NodeEnv {
  id: NodeId;
  /** Every other node the node may talk to at start (membership protocols may learn more). */
  peers: NodeId[];
  rng: Rng;
  fs: FileSystem;
  /** Protocol settings; each node kind validates its own. */
  config: Record<string, unknown>;
}

export type NodeFactory = (env: NodeEnv) => StorageNode;

/** An empty output to fill in: nodes build one per step. */
export function emptyOutput(): NodeOutput {
  return { syncBeforeSend: false, messages: [], replies: [], events: [], wakeAt: null };
}
