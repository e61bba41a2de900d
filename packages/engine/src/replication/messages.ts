/**
 * The replication protocol's messages (Dynamo §4.5): a coordinator asks replicas to store a version
 * or to return their versions of a key, pushes newer versions to stale replicas after a read (read
 * repair), and forwards a write it may not coordinate to a node of the key's preference list.
 *
 *   coordinator ── replica-put {op, key, versions} ─▶ replica ── replica-put-ack {op} ──▶ coordinator
 *   coordinator ── replica-get {op, key} ───────────▶ replica ── replica-get-reply {op, siblings} ──▶
 *   coordinator ── read-repair {key, siblings} ─────▶ stale replica            (no answer)
 *   coordinator ── replica-put {op, key, versions, readRepair} ─▶ replica ── replica-put-ack {op}
 *                  (a read's write-back before its reply: the ack says the result is durable there)
 *   any node ───── forward {op, request} ───────────▶ preference-list node ── forward-reply {op, reply}
 *
 * `op` numbers are the coordinator's own; answers carry them back so it can match them. Payloads
 * are plain data and are checked by the validators below when they cross a worker boundary.
 */

import type { NodeId } from '../protocol/ids.ts';
import type { Version } from '../versioning/siblings.ts';
import type { KvReply, KvRequest } from './requests.ts';

export interface ReplicaPut {
  type: 'replica-put';
  op: number;
  key: string;
  /**
   * The coordinator's versions of the key after the write: the new one and every sibling it had not
   * seen covered. Shipping them together (as Riak ships the whole object) keeps each replica's
   * knowledge of the coordinator's dots contiguous, so a context read anywhere never claims a dot
   * its reader did not see (see versioning/siblings.ts).
   */
  versions: Version[];
  /** Set when the receiver is a sloppy-quorum stand-in: the replica it keeps the write for (a hint). */
  hintFor?: NodeId;
  /**
   * Set when a read writes its result back before replying (readRepair.ts): `op` is the read's, and
   * the replica records the versions as a read repair. Its ack means they are durable there.
   */
  readRepair?: true;
}

export interface ReplicaPutAck {
  type: 'replica-put-ack';
  op: number;
  /** False when the replica could not store it (e.g. its disk is full); the reason is in `error`. */
  ok: boolean;
  error?: string;
}

export interface ReplicaGet {
  type: 'replica-get';
  op: number;
  key: string;
}

export interface ReplicaGetReply {
  type: 'replica-get-reply';
  op: number;
  siblings: Version[];
}

export interface ReadRepair {
  type: 'read-repair';
  key: string;
  siblings: Version[];
}

export interface Forward {
  type: 'forward';
  op: number;
  request: KvRequest;
}

export interface ForwardReply {
  type: 'forward-reply';
  op: number;
  reply: KvReply;
}

export type ReplicationMessage =
  | ReplicaPut
  | ReplicaPutAck
  | ReplicaGet
  | ReplicaGetReply
  | ReadRepair
  | Forward
  | ForwardReply;

// ── validation at trust boundaries ──────────────────────────────────────────────────────────────

type Body = Record<string, unknown>;
const isOp = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isKey = (v: unknown) => typeof v === 'string' && v.length > 0;
const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);

function isClock(v: unknown): boolean {
  return (
    Array.isArray(v) &&
    v.every(
      (e) =>
        isObject(e) &&
        typeof e.node === 'string' &&
        typeof e.counter === 'number' &&
        Number.isSafeInteger(e.counter) &&
        e.counter >= 1 &&
        typeof e.timestamp === 'number',
    )
  );
}

export function isVersion(v: unknown): v is Version {
  return (
    isObject(v) &&
    isClock(v.clock) &&
    (v.value === null || v.value instanceof Uint8Array) &&
    typeof v.timestamp === 'number' &&
    (v.writer === undefined || typeof v.writer === 'string')
  );
}

const isVersions = (v: unknown) => Array.isArray(v) && v.every(isVersion);
const isRequest = (v: unknown) =>
  isObject(v) && ['get', 'put', 'delete'].includes(v.type as string) && isKey(v.key);
const isReply = (v: unknown) => isObject(v) && typeof v.requestId === 'string' && typeof v.ok === 'boolean';
const check = (ok: boolean, problem: string) => (ok ? null : problem);

export const replicationValidators = {
  'replica-put': (b: Body) =>
    check(
      isOp(b.op) &&
        isKey(b.key) &&
        Array.isArray(b.versions) &&
        b.versions.length > 0 &&
        b.versions.every(isVersion) &&
        (b.hintFor === undefined || isKey(b.hintFor)) &&
        (b.readRepair === undefined || b.readRepair === true),
      'replica-put needs op, key, versions (and hintFor, when present, names a node; readRepair is true or absent)',
    ),
  'replica-put-ack': (b: Body) =>
    check(isOp(b.op) && typeof b.ok === 'boolean', 'replica-put-ack needs op and ok'),
  'replica-get': (b: Body) => check(isOp(b.op) && isKey(b.key), 'replica-get needs op and key'),
  'replica-get-reply': (b: Body) =>
    check(isOp(b.op) && isVersions(b.siblings), 'replica-get-reply needs op and siblings'),
  'read-repair': (b: Body) =>
    check(isKey(b.key) && isVersions(b.siblings), 'read-repair needs key and siblings'),
  forward: (b: Body) =>
    check(isOp(b.op) && isRequest(b.request), 'forward needs op and a get/put/delete request'),
  'forward-reply': (b: Body) => check(isOp(b.op) && isReply(b.reply), 'forward-reply needs op and a reply'),
} satisfies Record<ReplicationMessage['type'], (b: Body) => string | null>;
