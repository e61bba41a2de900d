/**
 * What a node's membership changes (nodeRebalance.ts) need from the node that runs them, and the
 * settings they start from: the seam between the rebalance code and the key-value node, which
 * implements the host over its storage, hints, anti-entropy and gossip (node/kvNode.ts).
 */

import type { KvError } from '../errors.ts';
import type { NodeOutput } from '../node/contract.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { Message } from '../protocol/messages.ts';
import type { Placement } from '../ring/placement.ts';
import type { Ring, RingMember } from '../ring/ring.ts';
import type { QuorumMode } from '../scenario/types.ts';
import type { FileSystem } from '../storage/files/fileSystem.ts';
import type { Version } from '../versioning/siblings.ts';
import type { MemberNews } from './missedDepartures.ts';

/** What membership changes need from the node that runs them. */
export interface NodeRebalanceHost extends MemberNews {
  readonly self: NodeId;
  /** The node's files: the ring is saved there. */
  readonly fs: FileSystem;
  send(to: NodeId, body: Message, out: NodeOutput): void;
  /** This node's stored versions of `key`. */
  read(key: string): Version[] | KvError;
  /** Merges streamed versions into this node's data (kept in its Merkle tree, forwarded in turn). */
  apply(key: string, versions: readonly Version[], now: number, out: NodeOutput): KvError | null;
  /** Every stored key with its value, in key order (the LSM's scan). */
  scan(): Iterable<[string, unknown]>;
  /** Hints this node still holds for others: a leaving node delivers them before it goes. */
  hintsPending(): number;
  /** Announces this node's departure through gossip, with the ring it leaves (without it). */
  leave(now: number, out: NodeOutput, ring: readonly RingMember[]): void;
  /** Told of every new ring (the node hands it to anti-entropy). */
  ringChanged(ring: Ring): void;
  /** True when the node's placement (anti-entropy's ranges) has it replicate `key`. */
  replicates(key: string): boolean;
  /** True when the node holds a hint carrying `key`. */
  holdsHint(key: string): boolean;
  /** Deletes `key` from the node's data (clean-up after a join). */
  remove(key: string): void;
  /** True when gossip reported `member` alive since this node started (it is a member now). */
  heardAlive(member: NodeId): boolean;
  /** `via`'s ring says `member` left: gossip ends its record too (it missed the announcement). */
  departed(member: NodeId, via: NodeId, now: number, out: NodeOutput): void;
}

export interface NodeRebalanceSettings {
  members: RingMember[];
  join: boolean;
  virtualNodes: number;
  n: number;
  /** Where keys' replicas live (N, or N per data centre); `n` when absent. */
  placement?: Placement;
  /** Under strict quorums a node answers only for keys its own ring gives it (`notServing`). */
  quorum?: QuorumMode;
}
