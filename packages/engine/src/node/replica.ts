/**
 * The replica side of a key-value node (SPEC 1.4): its own copy of each key, read and written for
 * coordinators (itself and its peers), for read repair, hint replays, streams and anti-entropy.
 *
 *   read   the stored siblings, with the versions this node keeps as a stand-in's hints merged in
 *   write  refused once the node has left; kept as a hint when meant for another node; otherwise
 *          merged into the replica store, and the change told to the Merkle tree, the rebalance
 *          (forwarded to ranges being handed over) and the event log (`version.stored`)
 *
 * A replica read or write of a key the node does not serve now (rebalance/serving.ts) is refused:
 * a read stays silent, as for a corrupt set; a write is acknowledged as failed, with the sentence.
 */

import type { AntiEntropy } from '../antiEntropy/antiEntropy.ts';
import { isKvError, type KvError } from '../errors.ts';
import type { HintedHandoff } from '../handoff/handoff.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { Message } from '../protocol/messages.ts';
import type { NodeRebalance } from '../rebalance/nodeRebalance.ts';
import { type VersionStored, versionStored } from '../replication/events.ts';
import type { ReplicaGet, ReplicaPut } from '../replication/messages.ts';
import type { ReplicaStore } from '../replication/replicaStore.ts';
import { syncSiblings, type Version } from '../versioning/siblings.ts';
import type { NodeOutput } from './contract.ts';

/** What the replica side uses of its node. */
export interface ReplicaHost {
  readonly self: NodeId;
  readonly store: ReplicaStore;
  readonly handoff: HintedHandoff;
  readonly antiEntropy: AntiEntropy;
  readonly rebalance: NodeRebalance;
  send(to: NodeId, body: Message, out: NodeOutput): void;
}

export type WriteCause = 'coordinator' | 'replica' | 'hint-replay' | 'read-repair';

export class Replica {
  constructor(private readonly node: ReplicaHost) {}

  read(key: string): Version[] | KvError {
    const data = this.node.store.read(key);
    const hinted = this.node.handoff.hints.versionsForKey(key);
    return isKvError(data) || hinted.length === 0 ? data : syncSiblings(data, hinted);
  }

  write(
    key: string,
    versions: Version[],
    cause: WriteCause,
    hintFor: NodeId | undefined,
    now: number,
    out: NodeOutput,
  ): KvError | null {
    const refused = this.node.rebalance.serving.refusal('write');
    if (refused) return refused;
    if (hintFor) {
      this.node.handoff.store(hintFor, key, versions, now, out);
      return null;
    }
    const applied = this.apply(key, versions, now, out, cause);
    return isKvError(applied) ? applied : null;
  }

  /** Merges versions into this replica's data, keeps its Merkle tree current and records the change. */
  apply(
    key: string,
    versions: readonly Version[],
    now: number,
    out: NodeOutput,
    cause: VersionStored['cause'] = 'anti-entropy',
  ) {
    const { node } = this;
    const applied = node.store.apply(key, versions);
    if (isKvError(applied)) return applied;
    out.syncBeforeSend = true;
    if (applied.changed) {
      node.antiEntropy.onWrite(key, applied.siblings, applied.encoded);
      node.rebalance.onStored(key, applied.siblings, now, out);
      out.events.push(versionStored(node.self, key, applied.siblings, cause, now));
    }
    return applied;
  }

  /** A coordinator's replica read: answered with this copy, unless the node does not serve the key now. */
  onGet(from: NodeId, get: ReplicaGet, out: NodeOutput): void {
    if (this.node.rebalance.serving.notServing(get.key, 'read')) return;
    const siblings = this.read(get.key);
    // A replica whose stored set is corrupt stays silent for this key; the coordinator counts others.
    if (!isKvError(siblings)) this.node.send(from, { type: 'replica-get-reply', op: get.op, siblings }, out);
  }

  /** A coordinator's replica write (or a read's write-back, readRepair.ts): stored, then acknowledged. */
  onPut(from: NodeId, put: ReplicaPut, now: number, out: NodeOutput): void {
    const cause = put.readRepair ? 'read-repair' : 'replica';
    const refused =
      (put.hintFor === undefined ? this.node.rebalance.serving.notServing(put.key, 'write') : null) ??
      this.write(put.key, put.versions, cause, put.hintFor, now, out);
    const ack = { type: 'replica-put-ack', op: put.op, ok: refused === null } as const;
    this.node.send(from, refused ? { ...ack, error: refused.message } : ack, out);
  }
}
