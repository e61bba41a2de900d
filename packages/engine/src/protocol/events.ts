/**
 * Everything observable is an event (DESIGN.md rule 4). Nodes and drivers emit `ClusterEvent`s:
 * typed, serialisable records stamped with the time and the node they concern. The lab is a pure
 * function of these events and of node snapshots; the simulator hashes and records them.
 *
 * Each protocol adds its members to the union below (storage, replication, gossip, handoff …).
 */

import type { AntiEntropyEvent } from '../antiEntropy/events.ts';
import type { HandoffEvent } from '../handoff/events.ts';
import type { MembershipEvent } from '../membership/events.ts';
import type { RebalanceEvent } from '../rebalance/events.ts';
import type { ReplicationEvent } from '../replication/events.ts';
import type { StorageEvent } from '../storage/events.ts';
import type { NodeId } from './ids.ts';
import type { MessageType } from './messages.ts';

export interface EventBase {
  /** Driver time (ms) when it happened. */
  at: number;
  /** The node it happened on (for messages: the sender of `sent`/`dropped`, the receiver of `delivered`). */
  node: NodeId;
}

export type DropReason = 'cut' | 'loss' | 'crashed' | 'queue-full' | 'invalid' | 'unknown-peer';

export interface MessageSent extends EventBase {
  type: 'message.sent';
  to: NodeId;
  id: number;
  msg: MessageType;
  /** When the driver expects to deliver it (for animation); null when unknown. */
  deliverAt: number | null;
  /** The request it belongs to, by the sender's numbering (`opNumberOf`); absent for the rest. */
  opNumber?: number;
}

export interface MessageDelivered extends EventBase {
  type: 'message.delivered';
  from: NodeId;
  id: number;
  msg: MessageType;
}

export interface MessageDropped extends EventBase {
  type: 'message.dropped';
  to: NodeId;
  id: number;
  msg: MessageType | 'unknown';
  reason: DropReason;
  /** As on `message.sent`. */
  opNumber?: number;
}

export interface NodeStarted extends EventBase {
  type: 'node.started';
  /** True when the node reopened existing files (a restart after a crash), false on a fresh disk. */
  recovered: boolean;
}

export interface NodeLifecycle extends EventBase {
  type: 'node.crashed' | 'node.paused' | 'node.resumed';
}

/** A node found its files damaged (`error` says where): its driver erases the disk and restarts it. */
export interface NodeDiskFailed extends EventBase {
  type: 'node.disk-failed';
  error: string;
}

/** The ping protocol's view: a peer has not been heard from for `silentForMs`. */
export interface PeerSilent extends EventBase {
  type: 'peer.silent';
  peer: NodeId;
  silentForMs: number;
}

export interface PeerHeardAgain extends EventBase {
  type: 'peer.heard-again';
  peer: NodeId;
}

/** Something a node's storage engine did (flush, compaction, recovery …), stamped with its node. */
export interface StorageEventRecord extends EventBase {
  type: 'storage';
  event: StorageEvent;
}

export type ClusterEvent =
  | MessageSent
  | MessageDelivered
  | MessageDropped
  | NodeStarted
  | NodeLifecycle
  | NodeDiskFailed
  | PeerSilent
  | PeerHeardAgain
  | ReplicationEvent
  | HandoffEvent
  | MembershipEvent
  | AntiEntropyEvent
  | RebalanceEvent
  | StorageEventRecord;

export type ClusterEventType = ClusterEvent['type'];
