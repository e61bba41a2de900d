/**
 * What clients ask of the store and what they get back (SPEC 1.1, 1.4). The same request and reply
 * types serve the simulator's clients, the scenario runner and the lab's page, so they are plain,
 * structured-cloneable data: values are `Uint8Array`, contexts are vector clocks.
 *
 * Outcomes follow Jepsen's convention: `ok` (it happened), `fail` (it certainly did not happen:
 * refused before anything was sent, or no replica could have stored it) and `info` (unknown: the
 * coordinator timed out after sending, so the write may or may not be stored somewhere).
 *
 * Bad input is refused here, before anything is stored or sent: an empty or over-size key, an
 * over-size value, a quorum larger than N.
 */

import { entryBytesMax, keyBytesMax } from '../constants.ts';
import { formatBytes, type KvError, type KvErrorData, kvError } from '../errors.ts';
import { utf8Length } from '../hashing/utf8.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { ConsistencyLevel } from '../scenario/types.ts';
import type { Dot, Version } from '../versioning/siblings.ts';
import type { VectorClock } from '../versioning/vectorClock.ts';
import { checkQuorum, replicaCountOf } from './consistency.ts';

export { checkQuorum, replicaCountOf } from './consistency.ts';

export interface GetRequest {
  type: 'get';
  requestId: string;
  key: string;
  /** Replicas that must answer; the cluster's R when absent. */
  r?: ConsistencyLevel;
}

export interface PutRequest {
  type: 'put';
  requestId: string;
  key: string;
  value: Uint8Array;
  /** The context of the client's last read of this key: what this write has seen and replaces. */
  context?: VectorClock;
  /** Replicas that must acknowledge; the cluster's W when absent. */
  w?: ConsistencyLevel;
  /** The data centre whose replicas LOCAL_QUORUM counts; set on a forward, the coordinator's own when absent. */
  localDc?: string;
}

export interface DeleteRequest {
  type: 'delete';
  requestId: string;
  key: string;
  context?: VectorClock;
  w?: ConsistencyLevel;
  localDc?: string;
}

export type KvRequest = GetRequest | PutRequest | DeleteRequest;
/** A request before a client gives it its id. */
export type KvCommand = KvRequest extends infer T
  ? T extends unknown
    ? Omit<T, 'requestId'>
    : never
  : never;
export type KvOperation = KvRequest['type'];

interface ReplyBase {
  requestId: string;
  /** The node that coordinated the request (after any forwarding). */
  coordinator: NodeId;
}

export interface GetOk extends ReplyBase {
  type: 'get';
  ok: true;
  /** Every concurrent version found, tombstones included (a key never written has none). */
  siblings: Version[];
  /** The merged clock of the siblings: pass it back with the next put or delete. */
  context: VectorClock;
  /** The replicas whose answers made up the reply (at least R). */
  answeredBy: NodeId[];
  /** Those of them that stood in for an owner the coordinator held down: stand-in → owner. */
  standIns?: Record<string, NodeId>;
}

export interface WriteOk extends ReplyBase {
  type: 'put' | 'delete';
  ok: true;
  /**
   * The clock of the version this write created. Not a context for the next write: its new dot's
   * counter would claim every earlier write of this coordinator, siblings the client never read
   * included, and the next write would drop them. Contexts come from reads (`context` of a get).
   */
  clock: VectorClock;
  /** That version's dot: which write it is (versioning/siblings.ts). */
  dot?: Dot;
  /** The replicas that acknowledged it durably before the reply (at least W). */
  ackedBy: NodeId[];
  /** Those of them that stood in for an owner, holding the write as a hint for it: stand-in → owner. */
  standIns?: Record<string, NodeId>;
}

export interface KvFailure extends ReplyBase {
  type: KvOperation;
  ok: false;
  outcome: 'fail' | 'info';
  error: KvErrorData;
}

export type KvReply = GetOk | WriteOk | KvFailure;

/** The limits of SPEC 1.1, checked before anything is stored or sent. */
export function checkEntry(key: string, value: Uint8Array | null): KvError | null {
  if (typeof key !== 'string' || key.length === 0)
    return kvError('KV_KEY_EMPTY', 'a key must be a non-empty string');
  const keyBytes = utf8Length(key);
  if (keyBytes > keyBytesMax) {
    return kvError(
      'KV_KEY_TOO_LARGE',
      `the key is ${formatBytes(keyBytes)}; the limit is ${keyBytesMax.toLocaleString('en-US')}`,
    );
  }
  const total = keyBytes + (value?.length ?? 0);
  if (total > entryBytesMax) {
    return kvError(
      'KV_VALUE_TOO_LARGE',
      `key+value is ${formatBytes(total)}; the limit is ${entryBytesMax.toLocaleString('en-US')}`,
    );
  }
  return null;
}

/** A failure reply for `request`, coordinated (or refused) by `coordinator`. */
export function failure(
  request: KvRequest,
  coordinator: NodeId,
  outcome: 'fail' | 'info',
  error: KvError,
): KvFailure {
  return {
    type: request.type,
    requestId: request.requestId,
    coordinator,
    ok: false,
    outcome,
    error: error.toJSON(),
  };
}

/** Bad input, refused before anything is stored or sent (SPEC 1.1); `n` is the replication factor. */
export function refusal(request: KvRequest, n: number): KvError | null {
  const entry = checkEntry(request.key, request.type === 'put' ? request.value : null);
  if (entry) return entry;
  const level = request.type === 'get' ? request.r : request.w;
  if (level === undefined) return null;
  const count = replicaCountOf(level, n);
  return checkQuorum(request.type === 'get' ? 'R' : 'W', count, n);
}
