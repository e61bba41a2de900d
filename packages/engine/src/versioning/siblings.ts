/**
 * Versions and sibling sets (SPEC 1.5, Dynamo §4.4). A replica stores, per key, the set of versions
 * no other version it knows descends: an antichain under the vector-clock order. Concurrent writes
 * stay side by side as siblings until a client reads them all and writes back with their merged
 * context, which descends them and so replaces them. A delete is a version too (a tombstone, value
 * null) and obeys the same rules, so a delete concurrent with a write leaves both as siblings and a
 * stale replica cannot bring a deleted value back: the tombstone descends it.
 *
 * Dots. A plain vector clock cannot say "this write saw n1's 3rd write but not its 4th": when two
 * clients write through the same coordinator from the same context, the second write's clock
 * descends the first one's and would silently replace it — the lost update Riak fixed with dotted
 * version vectors (Preguiça et al., "Dotted Version Vectors", 2012). So a coordinator's version
 * carries its `dot`: its own entry (node, counter) and `base`, the counter its client's context had
 * for that node. A version *covers* another when its writer had seen the other's dot, and only
 * covered versions are dropped. The clock itself stays small (one entry per coordinator), so pruning
 * rarely has to act. Versions without a dot (hand-made ones in tests) use the plain clock order.
 * The full `clock` (context + dot) is what the lab shows and what a read's context merges.
 *
 * Invariants of a sibling set: no version covers another and no write appears twice, in canonical
 * order (timestamp, then clock, then writer, then value bytes), so equal sets are equal arrays and
 * encode to equal bytes, whatever order the versions arrived in.
 */

import type { ByteSlab } from '../bytes.ts';
import { type KvError, type KvErrorCode, kvError } from '../errors.ts';
import type { NodeId } from '../protocol/ids.ts';
import { ByteReader, ByteWriter, DecodeFailure } from './binary.ts';
import {
  compare,
  counterOf,
  descends,
  emptyClock,
  merge,
  mergeAll,
  readClock,
  type VectorClock,
  writeClock,
} from './vectorClock.ts';

/** A write's own event: `clock` has `node` at `counter`; the writer's context had `base` (< counter). */
export interface Dot {
  node: NodeId;
  counter: number;
  base: number;
}

export interface Version {
  clock: VectorClock;
  /** The write's own event (see the header); absent only on hand-made versions. */
  dot?: Dot;
  /** The value's bytes; null for a tombstone (a delete). */
  value: Uint8Array | null;
  /** When the coordinator made it (ms on its clock): shown in the lab and used by last-write-wins. */
  timestamp: number;
  /** Who wrote it (a node or client id): the last-write-wins tie-break and the lab's label. */
  writer?: string;
}

export type SiblingSet = readonly Version[];

export function isTombstone(version: Version): boolean {
  return version.value === null;
}

function compareBytes(a: Uint8Array | null, b: Uint8Array | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

function compareClocksLexically(a: VectorClock, b: VectorClock): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as VectorClock[number];
    const y = b[i] as VectorClock[number];
    if (x.node !== y.node) return x.node < y.node ? -1 : 1;
    if (x.counter !== y.counter) return x.counter - y.counter;
  }
  return a.length - b.length;
}

/** A total order on versions: the canonical order of a sibling set, and the tie-break for duplicates. */
export function compareVersions(a: Version, b: Version): number {
  if (a === b) return 0; // one object met twice (a hint per owner of one write): skip its bytes
  return (
    a.timestamp - b.timestamp ||
    compareClocksLexically(a.clock, b.clock) ||
    ((a.writer ?? '') < (b.writer ?? '') ? -1 : (a.writer ?? '') > (b.writer ?? '') ? 1 : 0) ||
    compareBytes(a.value, b.value)
  );
}

/** Whether `a` and `b` are the same write (same dot; equal clocks for versions without dots). */
export function sameWrite(a: Version, b: Version): boolean {
  if (a.dot && b.dot) return a.dot.node === b.dot.node && a.dot.counter === b.dot.counter;
  return compare(a.clock, b.clock) === 'equal';
}

/** Whether the writer of `v` had seen the write `u`, so that `u` may be dropped where `v` is kept. */
export function coversWrite(v: Version, u: Version): boolean {
  if (sameWrite(v, u)) return true;
  if (!v.dot || !u.dot) return descends(v.clock, u.clock);
  const seen = v.dot.node === u.dot.node ? v.dot.base : counterOf(v.clock, u.dot.node);
  return seen >= u.dot.counter;
}

/**
 * What the version's writer had seen: its clock with its own dot's entry back at the base (the
 * context its client wrote with). The lab shows it beside the clock, since two blind writes through
 * one coordinator have clocks that look ordered ([n3:4] and [n3:5]) though neither saw the other.
 */
export function seenBy(version: Version): VectorClock {
  const dot = version.dot;
  if (!dot) return version.clock;
  return version.clock.flatMap((e) =>
    e.node !== dot.node ? [e] : dot.base > 0 ? [{ ...e, counter: dot.base }] : [],
  );
}

/**
 * The versions of `existing` and `incoming` that no other write among them covers, each write kept
 * once (the canonically first copy). The result is an antichain in canonical order and does not
 * depend on the order of its inputs. Used for every write a replica applies: a put (`incoming` =
 * [the new version]), a replicated set, a read repair, a hint.
 */
export function syncSiblings(existing: readonly Version[], incoming: readonly Version[]): Version[] {
  if (existing.length === 0 && incoming.length === 1) return [incoming[0] as Version]; // a first write
  const candidates = sortedCandidates(existing, incoming);
  const kept: Version[] = [];
  // Index loops and an insertion sort: this runs on every replica write and every read's
  // reconciliation, on sets of a handful of versions, and should allocate only its result.
  for (let i = 0; i < candidates.length; i++) {
    const v = candidates[i] as Version;
    if (coveredByAnother(candidates, v) || includesWrite(kept, v)) continue;
    kept.push(v);
  }
  return kept;
}

/** `existing` then `incoming` in canonical order (insertion sort: the sets are small). */
function sortedCandidates(existing: readonly Version[], incoming: readonly Version[]): Version[] {
  const all = existing.concat(incoming);
  for (let i = 1; i < all.length; i++) {
    const v = all[i] as Version;
    let j = i - 1;
    for (; j >= 0 && compareVersions(all[j] as Version, v) > 0; j--) all[j + 1] = all[j] as Version;
    all[j + 1] = v;
  }
  return all;
}

function coveredByAnother(versions: readonly Version[], v: Version): boolean {
  for (let i = 0; i < versions.length; i++) {
    const w = versions[i] as Version;
    if (!sameWrite(w, v) && coversWrite(w, v)) return true;
  }
  return false;
}

/** Whether `versions` holds `v`'s write already (a duplicate of a kept one). */
function includesWrite(versions: readonly Version[], v: Version): boolean {
  for (let i = 0; i < versions.length; i++) if (sameWrite(versions[i] as Version, v)) return true;
  return false;
}

/**
 * Whether `a` and `b` hold the very same versions in the same order. When `a` is a sibling set
 * (a canonical antichain), so is such a `b`, and syncing them gives `a` back: the common case of
 * replicas that agree, answered without sorting or cover checks.
 */
export function sameSiblings(a: readonly Version[], b: readonly Version[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Version;
    const y = b[i] as Version;
    if (x !== y && compareVersions(x, y) !== 0) return false;
  }
  return true;
}

/** Whether a client context has seen `clock`: a put or delete with it replaces that version. */
export function contextCovers(context: VectorClock, clock: VectorClock): boolean {
  return descends(context, clock);
}

/** The context a read hands back: the merge of the siblings' clocks (SPEC 1.1). */
export function contextOf(siblings: readonly Version[]): VectorClock {
  return mergeAll(siblings.map((v) => v.clock));
}

export interface Reconciliation {
  /** Every version no other answer descends: what the read returns. */
  siblings: Version[];
  /** Their merged clock: the context for the client's next put or delete. */
  context: VectorClock;
  /** Indices of the answers that lack some sibling: the replicas read repair must update. */
  staleReplicas: number[];
}

/**
 * Reconciles the sibling sets that R (or more) replicas returned for one read (Dynamo §4.5: "the
 * coordinator … performs syntactic reconciliation").
 */
export function reconcile(answers: readonly (readonly Version[])[]): Reconciliation {
  // Index loops: every read runs this once or twice.
  let siblings: Version[] = [];
  for (let i = 0; i < answers.length; i++) {
    const set = answers[i] as Version[];
    if (i === 0 || !sameSiblings(siblings, set)) siblings = syncSiblings(siblings, set);
  }
  const staleReplicas: number[] = [];
  for (let i = 0; i < answers.length; i++) {
    const set = answers[i] as readonly Version[];
    for (let k = 0; k < siblings.length; k++) {
      if (!includesWrite(set, siblings[k] as Version)) {
        staleReplicas.push(i);
        break;
      }
    }
  }
  let context = emptyClock;
  for (let k = 0; k < siblings.length; k++) context = merge(context, (siblings[k] as Version).clock);
  return { siblings, context, staleReplicas };
}

// ── Binary encoding: what a replica stores as the LSM value of a key ───────────────────────────────
// format byte 0x01, sibling count (varint), then per version: clock, timestamp (float64 LE), flags
// (bit 0: tombstone, bit 1: has writer), writer (if flagged), value (varint length + bytes, if live).

const siblingFormat = 0x01;
const flagTombstone = 1;
const flagWriter = 2;
const flagDot = 4;

/** Reused by `encodeSiblings` (which never re-enters itself); `finish` copies the bytes out. */
const siblingWriter = new ByteWriter(1024);

/** `slab`: where the bytes go, for an owner whose byte strings die together (bytes.ts). */
export function encodeSiblings(siblings: readonly Version[], slab?: ByteSlab): Uint8Array {
  const out = siblingWriter.reset();
  out.byte(siblingFormat);
  out.varint(siblings.length);
  for (let i = 0; i < siblings.length; i++) {
    const v = siblings[i] as Version;
    writeClock(out, v.clock);
    out.float64(v.timestamp);
    out.byte(
      (v.value === null ? flagTombstone : 0) |
        (v.writer !== undefined ? flagWriter : 0) |
        (v.dot ? flagDot : 0),
    );
    if (v.writer !== undefined) out.text(v.writer);
    if (v.dot) {
      out.text(v.dot.node);
      out.varint(v.dot.base);
    }
    if (v.value !== null) out.bytes(v.value);
  }
  return out.finish(slab);
}

function readVersion(input: ByteReader): Version {
  const clock = readClock(input);
  const timestamp = input.float64('version timestamp');
  const flags = input.byte('version flags');
  if (flags & ~(flagTombstone | flagWriter | flagDot))
    throw new DecodeFailure(`unknown version flags ${flags}`);
  const version: Version = { clock, value: null, timestamp };
  if (flags & flagWriter) version.writer = input.text('version writer');
  if (flags & flagDot) {
    const node = input.text('dot node') as NodeId;
    const base = input.varint('dot base');
    const counter = counterOf(clock, node);
    if (counter === 0 || base >= counter)
      throw new DecodeFailure(`dot ${node}:${base}→${counter} does not fit the clock`);
    version.dot = { node, counter, base };
  }
  if (!(flags & flagTombstone)) version.value = input.bytes('version value');
  return version;
}

/**
 * Decodes a stored sibling set, refusing malformed bytes and sets that break the invariants (two
 * versions where one descends the other, or out of canonical order). `code` as in `decodeClock`.
 */
export function decodeSiblings(bytes: Uint8Array, code: KvErrorCode = 'KV_CORRUPTION'): Version[] | KvError {
  try {
    const input = new ByteReader(bytes);
    const format = input.byte('sibling-set format');
    if (format !== siblingFormat) throw new DecodeFailure(`unknown sibling-set format ${format}`);
    const count = input.varint('sibling count');
    // The smallest version: an empty clock (1 byte), its timestamp (8) and its flags (1), a tombstone.
    if (count * 10 > input.remaining)
      throw new DecodeFailure(`claims ${count} siblings in ${input.remaining} bytes`);
    const siblings: Version[] = [];
    for (let k = 0; k < count; k++) siblings.push(readVersion(input));
    if (input.remaining !== 0) throw new DecodeFailure(`${input.remaining} bytes after the sibling set`);
    checkAntichain(siblings);
    return siblings;
  } catch (error) {
    if (error instanceof DecodeFailure) return kvError(code, `invalid sibling set: ${error.message}`);
    throw error;
  }
}

function checkAntichain(siblings: readonly Version[]): void {
  for (let i = 0; i < siblings.length; i++) {
    const a = siblings[i] as Version;
    if (i > 0 && compareVersions(siblings[i - 1] as Version, a) >= 0) {
      throw new DecodeFailure('siblings are not in canonical order');
    }
    for (let j = i + 1; j < siblings.length; j++) {
      const b = siblings[j] as Version;
      if (coversWrite(a, b) || coversWrite(b, a)) throw new DecodeFailure('a stored sibling covers another');
    }
  }
}
