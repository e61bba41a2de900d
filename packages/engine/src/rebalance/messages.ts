/**
 * The range-streaming protocol (SPEC 1.7): how a key range changes hands when a node joins or is
 * decommissioned. A stream is stop-and-wait: one batch in flight, the next only after its ack, so a
 * stream never floods a link and a lost batch is simply sent again.
 *
 *   pull (a joiner bootstraps)              push (a leaving node hands its ranges over)
 *   J ── stream-request {stream, range} ─▶ H     D ── stream-batch {stream, seq 0, …} ─▶ G
 *   J ◀─ stream-batch {seq 0, entries} ─── H     D ◀─ stream-ack {seq 0} ─────────────── G
 *   J ── stream-ack {seq 0} ─────────────▶ H     …  until a batch with done = true is acked
 *   …  until a batch with done = true is acked
 *
 *   while a stream is open and for a grace period after the ring shows the change, the sender
 *   also forwards every write it stores in the range:  H ── stream-forward {key, siblings} ─▶ J
 *
 *   before a joiner serves, each node that loses a range to it stops serving that range, and says
 *   so once every write it forwarded there was acknowledged (rangeFences.ts):
 *   J ── range-fence {ranges} ─▶ L      J ◀─ range-fenced {ranges, incarnation} ── L
 *   (twice from one incarnation of L before J serves: a wiped L forgot its fence)
 *
 * A node that restarts asks the members of its ring for theirs: which members joined and which left
 * while it was away (a departure is announced by gossip only for T_cleanup, and a node down longer
 * would keep the departed node on its ring for ever; a join it hears of only from a random gossip
 * round, maybe after a departure that came later). It asks again until one answers
 * (ringCatchUp.ts):
 *
 *   R ── ring-state-request ─▶ P      R ◀─ ring-state {members, departed, current, joining} ── P
 *                                     ─▶ R adds the members it lacks, then removes those that left
 *
 * A serving node asks too when it may have missed a departure while cut off (missedDepartures.ts)
 * and takes only the departures from the answers.
 *
 * `stream` is `<opener>#<sequence>`, unique per opener, so either side can tell whose stream it is.
 * Bounds: a batch holds at most `streamBatchKeysMax` keys; the sender also closes it before its
 * encoded versions pass `streamBatchBytesMax` (a single key is never split).
 */

import type { KeyRange } from '../antiEntropy/ranges.ts';
import { membersMax, streamBatchKeysMax, tokensPerNodeMax } from '../constants.ts';
import { isRingMemberList } from '../membership/messages.ts';
import type { NodeId } from '../protocol/ids.ts';
import { isVersion } from '../replication/messages.ts';
import type { RingMember } from '../ring/ring.ts';
import type { Version } from '../versioning/siblings.ts';

export interface StreamRequest {
  type: 'stream-request';
  stream: string;
  range: KeyRange;
}

export interface StreamEntry {
  key: string;
  siblings: Version[];
}

export interface StreamBatch {
  type: 'stream-batch';
  stream: string;
  range: KeyRange;
  /** 0, 1, 2 … per stream; the receiver acknowledges each. */
  seq: number;
  entries: StreamEntry[];
  /** The last batch of the stream. */
  done: boolean;
  /** Sent by a node handing its ranges over before it leaves (leavers.ts). */
  leaving?: boolean;
}

export interface StreamAck {
  type: 'stream-ack';
  stream: string;
  seq: number;
}

/**
 * A write stored in a range that is being (or was just) handed over, copied to its new owner; `id`
 * (the sender's sequence) is acknowledged once the owner stored it durably, and sent again until.
 */
export interface StreamForward {
  type: 'stream-forward';
  id: number;
  key: string;
  siblings: Version[];
  /** Sent by a node handing its ranges over before it leaves (leavers.ts). */
  leaving?: boolean;
}

export interface StreamForwardAck {
  type: 'stream-forward-ack';
  id: number;
}

/** A joiner asks a node that loses `ranges` to it to stop serving them (rangeFences.ts). */
export interface RangeFence {
  type: 'range-fence';
  ranges: KeyRange[];
}

/**
 * The node no longer serves `ranges`, and every write it forwarded in them was acknowledged; said by
 * its `incarnation`, drawn at its start (a restart may have lost the fence with its disk).
 */
export interface RangeFenced {
  type: 'range-fenced';
  ranges: KeyRange[];
  incarnation: number;
}

/** A restarted node asks which members joined and left while it was down (or a cut-off one, which left). */
export interface RingStateRequest {
  type: 'ring-state-request';
}

/** The sender's ring: its members with their attributes, and those that left (at most `membersMax`). */
export interface RingState {
  type: 'ring-state';
  members: RingMember[];
  departed: NodeId[];
  /** False while the sender is catching up after a restart itself (ringCatchUp.ts). */
  current: boolean;
  /** Joiners the sender fenced ranges for and its ring does not show yet (ringStateExchange.ts). */
  joining: NodeId[];
}

export type StreamMessage = StreamRequest | StreamBatch | StreamAck | StreamForward | StreamForwardAck;
export type RebalanceMessage = StreamMessage | RangeFence | RangeFenced | RingStateRequest | RingState;

const rebalanceTypes: ReadonlySet<string> = new Set([
  'stream-request',
  'stream-batch',
  'stream-ack',
  'stream-forward',
  'stream-forward-ack',
  'range-fence',
  'range-fenced',
  'ring-state-request',
  'ring-state',
]);

/** The type guard a node routes streaming messages with. */
export function isRebalanceMessage(body: { type: string }): body is RebalanceMessage {
  return rebalanceTypes.has(body.type);
}

// ── validation at trust boundaries ──────────────────────────────────────────────────────────────

type Body = Record<string, unknown>;
const isPosition = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** 32;
const isRange = (v: unknown) =>
  typeof v === 'object' && v !== null && isPosition((v as Body).start) && isPosition((v as Body).end);
const isStream = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= 256;
const isSeq = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isKey = (v: unknown) => typeof v === 'string' && v.length > 0;
const isVersions = (v: unknown) => Array.isArray(v) && v.every(isVersion);
const isEntry = (v: unknown) =>
  typeof v === 'object' && v !== null && isKey((v as Body).key) && isVersions((v as Body).siblings);
const check = (ok: boolean, problem: string) => (ok ? null : problem);
const isOptionalFlag = (v: unknown) => v === undefined || typeof v === 'boolean';
/** A fence names at most the ranges a joiner gains: one per token it holds, per replica position. */
const fenceRangesMax = tokensPerNodeMax * 16;
const rangesProblem = (type: string, v: unknown) =>
  check(
    Array.isArray(v) && v.length > 0 && v.length <= fenceRangesMax && v.every(isRange),
    `${type} needs ranges: 1 to ${fenceRangesMax} of {start, end}`,
  );

export const rebalanceValidators = {
  'stream-request': (b: Body) =>
    check(isStream(b.stream) && isRange(b.range), 'stream-request needs stream and range {start, end}'),
  'stream-batch': (b: Body) =>
    check(
      isStream(b.stream) &&
        isRange(b.range) &&
        isSeq(b.seq) &&
        typeof b.done === 'boolean' &&
        Array.isArray(b.entries) &&
        b.entries.length <= streamBatchKeysMax &&
        b.entries.every(isEntry) &&
        isOptionalFlag(b.leaving),
      `stream-batch needs stream, range, seq, done, at most ${streamBatchKeysMax} entries of key and siblings, and leaving true or false if set`,
    ),
  'stream-ack': (b: Body) => check(isStream(b.stream) && isSeq(b.seq), 'stream-ack needs stream and seq'),
  'stream-forward': (b: Body) =>
    check(
      isSeq(b.id) && isKey(b.key) && isVersions(b.siblings) && isOptionalFlag(b.leaving),
      'stream-forward needs id, key and siblings, and leaving true or false if set',
    ),
  'stream-forward-ack': (b: Body) => check(isSeq(b.id), 'stream-forward-ack needs id'),
  'range-fence': (b: Body) => rangesProblem('range-fence', b.ranges),
  'range-fenced': (b: Body) =>
    rangesProblem('range-fenced', b.ranges) ??
    check(isSeq(b.incarnation), 'range-fenced needs incarnation, a whole number'),
  'ring-state-request': () => null,
  'ring-state': (b: Body) =>
    check(
      isRingMemberList(b.members) &&
        Array.isArray(b.departed) &&
        b.departed.length <= membersMax &&
        b.departed.every(isKey) &&
        typeof b.current === 'boolean' &&
        Array.isArray(b.joining) &&
        b.joining.length <= membersMax &&
        b.joining.every(isKey),
      `ring-state needs members (at most ${membersMax} of id, weight?, dataCentre?), departed and joining (at most ${membersMax} node ids each) and current`,
    ),
} satisfies Record<RebalanceMessage['type'], (b: Body) => string | null>;
