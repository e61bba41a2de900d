/**
 * What a node serves while membership changes (SPEC 1.7), in one place: whether it counts its own
 * copy when it coordinates, why it does not answer a replica read or write of a key, and why it
 * refuses a write or a client request. The reasons are typed `KV_NOT_SERVING` errors with a
 * sentence, which the coordinator passes on and the lab shows:
 *
 *   restarted, strict quorums   serves nothing until a peer's ring has reached it (ringCatchUp.ts)
 *   rebuilding after a wipe     answers no reads until its ranges are back
 *   fenced for a joiner         no longer serves that range (rangeFences.ts)
 *   left                        serves nothing and stores no more writes
 *   joining                     takes no client requests until its ranges have arrived
 *   strict quorums              answers only for keys its own ring gives it: a coordinator on
 *                               another ring may have moved the key away, with writes this copy lacks
 */

import { type KvError, kvError } from '../errors.ts';
import type { NodeId } from '../protocol/ids.ts';
import { type Placement, replicasFor } from '../ring/placement.ts';
import type { Ring } from '../ring/ring.ts';
import type { QuorumMode } from '../scenario/types.ts';
import type { RebalancePhase } from './rebalance.ts';

/** What the rules read of the node's membership state, at the time they are asked. */
export interface ServingState {
  readonly self: NodeId;
  readonly quorum: QuorumMode | undefined;
  readonly placement: Placement;
  phase(): RebalancePhase;
  /** A joiner whose bootstrap waits for its ring to catch up. */
  bootstrapDue(): boolean;
  /** A restarted node that has not heard the current ring from a peer yet. */
  ringWaiting(): boolean;
  /** The joiner a peer fenced ranges for that a restarted node waits to see on its ring, or null. */
  ringWaitsForJoiner(): NodeId | null;
  ring(): Ring;
  /** The joiner a range holding `key` is fenced for here, or null. */
  fencedFor(key: string): NodeId | null;
}

export class Serving {
  constructor(private readonly state: ServingState) {}

  /** Does this node count its own copy of `key` when it coordinates a read or a write of it? */
  servesOwn(key: string, what: 'read' | 'write'): boolean {
    return this.state.fencedFor(key) === null && (what === 'write' || this.state.phase() !== 'rebuilding');
  }

  /** Why this node does not answer a replica read or write of `key` now, or null. */
  notServing(key: string, what: 'read' | 'write'): KvError | null {
    const { self, quorum, placement } = this.state;
    if (this.waitsForRing()) return this.ringUnconfirmed();
    const phase = this.state.phase();
    if (what === 'read' && phase === 'rebuilding')
      return kvError('KV_NOT_SERVING', `${self} lost its disk and answers reads once its ranges are back`);
    const joiner = this.state.fencedFor(key);
    if (joiner !== null)
      return kvError(
        'KV_NOT_SERVING',
        `${self} is handing the range of ${key} to ${joiner} and no longer serves it`,
      );
    if (phase === 'left') return kvError('KV_NOT_SERVING', `${self} has left the cluster`);
    if (quorum === 'strict' && !replicasFor(this.state.ring(), key, placement).nodes.includes(self))
      return kvError('KV_NOT_SERVING', `${self} is not a replica of ${key} on its ring`);
    return null;
  }

  /** Why this node refuses a write (it has left) or a client request (joining or left); else null. */
  refusal(what: 'write' | 'request'): KvError | null {
    const phase = this.state.phase();
    const self = this.state.self;
    if (phase === 'left') {
      const why =
        what === 'write' ? 'has left the cluster and stores no more writes' : 'has left the cluster';
      return kvError('KV_NOT_SERVING', `${self} ${why}`);
    }
    if ((phase === 'bootstrapping' || this.state.bootstrapDue()) && what === 'request')
      return kvError('KV_NOT_SERVING', `${self} is joining and serves once its ranges have arrived`);
    if (what === 'request' && this.waitsForRing()) return this.ringUnconfirmed();
    return null;
  }

  /** Under strict quorums a restarted node serves nothing until a peer's ring has reached it. */
  private waitsForRing(): boolean {
    return this.state.quorum === 'strict' && this.state.ringWaiting();
  }

  private ringUnconfirmed(): KvError {
    const { self } = this.state;
    const joiner = this.state.ringWaitsForJoiner();
    const why = joiner
      ? `${self} restarted and serves once its ring shows ${joiner}, to which a peer is handing ranges`
      : `${self} restarted and serves once a peer has told it the current ring`;
    return kvError('KV_NOT_SERVING', why);
  }
}
