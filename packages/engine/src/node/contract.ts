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
 * The one exception is `early`: messages that promise nothing about this step's writes and may
 * leave before the sync — a coordinator's replica-puts, so that its flush and the replicas' overlap
 * (one flush on a put's path instead of two). The client reply and every ack counted toward W still
 * wait. It is safe because a new version's dot (node, counter) never repeats: a coordinator that
 * crashed after sending a replica-put and before its sync has lost that version, but it restarts
 * with its counters above its lease, which was on disk before that counter was issued
 * (versioning/actor.ts), so its next write of the key cannot take the lost write's dot (which
 * replicas would take for a duplicate, losing an acknowledged write). A write whose counter needed
 * a new lease is not sent early.
 *
 * Disk failure rule: a node whose step (or start) throws `KV_CORRUPTION` found its own files damaged
 * (a checksum failed). Its driver treats that disk as failed, as an operator replaces a failed disk:
 * it stops the node, erases its files and starts it empty (errors.ts `isDiskFailure`). The node then recovers
 * as any wiped node does: a new actor name for its counters, its ranges pulled back from the others.
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
  /** Messages that may leave before the sync (see the ordering rule above); sent before `messages`. */
  early?: Envelope[];
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
