/**
 * Vector clocks (SPEC 1.5, Dynamo §4.4): a list of (node, counter) pairs that records which writes a
 * version has seen. A coordinator increments its own entry for each write it coordinates, starting
 * from the client's context. Version A *descends* B when every counter of A is ≥ B's (missing = 0):
 * A has seen B, so B can be dropped. When neither descends the other they are *concurrent* and both
 * are kept as siblings for the client to reconcile.
 *
 * The paper's example (also the named test "D3/D4 → D5"):
 *   D1 ([Sx,1]) written via Sx; D2 ([Sx,2]) overwrites it via Sx. Two clients then update D2
 *   concurrently: D3 ([Sx,2],[Sy,1]) via Sy and D4 ([Sx,2],[Sz,1]) via Sz. Neither descends the
 *   other, so a read returns both with the context [Sx,2],[Sy,1],[Sz,1]; the client's reconciled write
 *   via Sx is D5 ([Sx,3],[Sy,1],[Sz,1]), which descends D3 and D4 and replaces both.
 *
 * Each entry also keeps the time it was last incremented (the coordinator's clock) so that a clock
 * over `vectorClockEntriesMax` entries can drop the oldest (Dynamo's truncation). Pruning removes
 * knowledge, so a pruned clock claims *less* history: it can stop descending a clock it really did
 * descend (a false conflict: an extra sibling the client merges), but it can never come to descend a
 * clock it did not. `prune` also never drops the entry of the write being made (`keep`): that entry
 * names the new event, and with it no other version can wrongly descend the new one; losing the
 * other entries can only make descends-checks fail, never succeed. The tests check both directions.
 *
 * Representation: an array of entries sorted by node id (UTF-16 code-unit order), node ids unique,
 * counters ≥ 1. Timestamps play no part in comparison. Functions never mutate their inputs, and the
 * readonly types keep every caller from doing so; clocks are not frozen at run time, because every
 * write and every decoded version builds one, and freezing tripled the cost of building it.
 */

import { assert } from '../assert.ts';
import { vectorClockEntriesMax } from '../constants.ts';
import { type KvError, type KvErrorCode, kvError } from '../errors.ts';
import type { NodeId } from '../protocol/ids.ts';
import { ByteReader, ByteWriter, DecodeFailure } from './binary.ts';

export interface ClockEntry {
  readonly node: NodeId;
  /** How many writes this node has coordinated in the version's history; ≥ 1. */
  readonly counter: number;
  /** When the counter was last incremented (ms on the coordinator's clock); used only for pruning. */
  readonly timestamp: number;
}

export type VectorClock = readonly ClockEntry[];

/** How clock `a` relates to clock `b`: `before` means b descends a strictly; `after`, a descends b. */
export type ClockOrder = 'before' | 'after' | 'equal' | 'concurrent';

export const emptyClock: VectorClock = Object.freeze([]);

const byNode = (a: ClockEntry, b: ClockEntry) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0);

/** A clock from entries in any order; asserts unique nodes and positive integer counters. */
export function vectorClock(entries: readonly ClockEntry[]): VectorClock {
  const sorted = [...entries].sort(byNode);
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i] as ClockEntry;
    if (!Number.isSafeInteger(e.counter) || e.counter < 1)
      assert(false, `clock entry ${e.node}: counter ${e.counter}`);
    if (i > 0 && (sorted[i - 1] as ClockEntry).node === e.node) assert(false, `clock lists ${e.node} twice`);
  }
  return sorted.map((e) => ({ node: e.node, counter: e.counter, timestamp: e.timestamp }));
}

/** The counter of `node` in `clock` (0 when absent). */
export function counterOf(clock: VectorClock, node: NodeId): number {
  for (let i = 0; i < clock.length; i++) {
    const e = clock[i] as ClockEntry;
    if (e.node === node) return e.counter;
  }
  return 0;
}

/**
 * `clock` with `node`'s entry set to (`counter`, `now`), added in its sorted place when absent: the
 * new version's clock on every write, built in one pass over the already canonical clock.
 */
export function withEntry(clock: VectorClock, node: NodeId, counter: number, now: number): VectorClock {
  if (!Number.isSafeInteger(counter) || counter < 1) assert(false, `clock entry ${node}: counter ${counter}`);
  const out: ClockEntry[] = [];
  let placed = false;
  for (let i = 0; i < clock.length; i++) {
    const e = clock[i] as ClockEntry;
    if (
      !(Number.isSafeInteger(e.counter) && e.counter >= 1) ||
      (i > 0 && (clock[i - 1] as ClockEntry).node >= e.node)
    ) {
      // Not canonical (a hand-made context): sort and check it the general way (which asserts).
      return vectorClock([...clock.filter((x) => x.node !== node), { node, counter, timestamp: now }]);
    }
    if (!placed && e.node >= node) {
      out.push({ node, counter, timestamp: now });
      placed = true;
      if (e.node === node) continue;
    }
    out.push(e);
  }
  if (!placed) out.push({ node, counter, timestamp: now });
  return out;
}

/** The clock of a write coordinated by `node` at `now` that has seen `clock` (adds (node, 1) if absent). */
export function increment(clock: VectorClock, node: NodeId, now: number): VectorClock {
  const entries = clock.filter((e) => e.node !== node);
  entries.push({ node, counter: counterOf(clock, node) + 1, timestamp: now });
  return vectorClock(entries);
}

/** The partial order of clocks: one pass over both sorted entry lists. */
export function compare(a: VectorClock, b: VectorClock): ClockOrder {
  let aAhead = false;
  let bAhead = false;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x.node < y.node)) {
      aAhead = true; // only a has this node
      i++;
    } else if (x === undefined || y.node < x.node) {
      bAhead = true;
      j++;
    } else {
      if (x.counter > y.counter) aAhead = true;
      else if (y.counter > x.counter) bAhead = true;
      i++;
      j++;
    }
    if (aAhead && bAhead) return 'concurrent';
  }
  return aAhead ? 'after' : bAhead ? 'before' : 'equal';
}

/** `a` has seen everything `b` has (a ≥ b): b is obsolete next to a, or equal to it. */
export function descends(a: VectorClock, b: VectorClock): boolean {
  const order = compare(a, b);
  return order === 'after' || order === 'equal';
}

/** `a` strictly descends `b` (a > b). */
export function dominates(a: VectorClock, b: VectorClock): boolean {
  return compare(a, b) === 'after';
}

export function concurrent(a: VectorClock, b: VectorClock): boolean {
  return compare(a, b) === 'concurrent';
}

/**
 * The least upper bound: for each node the larger counter, with that entry's timestamp (the later
 * timestamp when the counters are equal, so merge stays commutative).
 */
export function merge(a: VectorClock, b: VectorClock): VectorClock {
  const out: ClockEntry[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x.node < y.node)) {
      out.push(x as ClockEntry);
      i++;
    } else if (x === undefined || y.node < x.node) {
      out.push(y);
      j++;
    } else {
      const keep =
        x.counter !== y.counter ? (x.counter > y.counter ? x : y) : x.timestamp >= y.timestamp ? x : y;
      out.push(keep);
      i++;
      j++;
    }
  }
  return out;
}

/** The least upper bound of any number of clocks (the empty clock for none). */
export function mergeAll(clocks: Iterable<VectorClock>): VectorClock {
  let out = emptyClock;
  for (const c of clocks) out = merge(out, c);
  return out;
}

export interface PruneOptions {
  /** Keep at most this many entries; `vectorClockEntriesMax` (10) by default. */
  entriesMax?: number;
  /** Never drop this node's entry: the coordinator of the write being made. */
  keep?: NodeId;
}

/**
 * Drops the oldest entries (by timestamp; ties by node id) until at most `entriesMax` remain
 * (Dynamo §4.4 truncation). See the header for why this can only create false conflicts.
 */
export function prune(clock: VectorClock, options: PruneOptions = {}): VectorClock {
  const entriesMax = options.entriesMax ?? vectorClockEntriesMax;
  assert(Number.isInteger(entriesMax) && entriesMax >= 1, `prune: entriesMax must be ≥ 1, got ${entriesMax}`);
  if (clock.length <= entriesMax) return clock;
  const candidates = clock
    .filter((e) => e.node !== options.keep)
    .sort((a, b) => a.timestamp - b.timestamp || byNode(a, b));
  const dropped = new Set(candidates.slice(0, clock.length - entriesMax).map((e) => e.node));
  return clock.filter((e) => !dropped.has(e.node));
}

/** `[n1:3, n2:1]`: for the lab, logs and test messages. */
export function formatClock(clock: VectorClock): string {
  return `[${clock.map((e) => `${e.node}:${e.counter}`).join(', ')}]`;
}

// ── Binary encoding ────────────────────────────────────────────────────────────────────────────────
// count (varint), then per entry: node id (varint length + UTF-8), counter (varint), timestamp
// (float64 LE). Entries in canonical order, so equal clocks have equal bytes.

/** Appends `clock` to `out` (used inside the sibling-set encoding too). */
export function writeClock(out: ByteWriter, clock: VectorClock): void {
  out.varint(clock.length);
  for (let i = 0; i < clock.length; i++) {
    const e = clock[i] as ClockEntry;
    out.text(e.node);
    out.varint(e.counter);
    out.float64(e.timestamp);
  }
}

/** Reads a clock written by `writeClock`, checking it is canonical; throws `DecodeFailure`. */
export function readClock(input: ByteReader): VectorClock {
  const count = input.varint('clock entry count');
  // Every entry takes at least 10 bytes (1 + 1 + 8): refuse counts the input cannot hold.
  if (count * 10 > input.remaining)
    throw new DecodeFailure(`clock claims ${count} entries in ${input.remaining} bytes`);
  const entries: ClockEntry[] = [];
  for (let k = 0; k < count; k++) {
    const node = input.text('clock node id') as NodeId;
    const counter = input.varint('clock counter');
    const timestamp = input.float64('clock timestamp');
    if (node === '') throw new DecodeFailure('clock entry with an empty node id');
    if (counter < 1) throw new DecodeFailure(`clock entry ${node} has counter 0`);
    const previous = entries[k - 1];
    if (previous && previous.node >= node)
      throw new DecodeFailure('clock entries are not in canonical order');
    entries.push({ node, counter, timestamp });
  }
  return entries;
}

/** The clock as bytes; `decodeClock(encodeClock(c))` gives back c exactly. */
/** Reused by `encodeClock`; `finish` copies the bytes out. */
const clockWriter = new ByteWriter(256);

export function encodeClock(clock: VectorClock): Uint8Array {
  const out = clockWriter.reset();
  writeClock(out, clock);
  return out.finish();
}

/**
 * Decodes a clock, refusing anything malformed or non-canonical. `code` says what garbage means
 * here: `KV_CORRUPTION` for bytes read from disk (default), `KV_INVALID_MESSAGE` for bytes from a
 * peer or a client context.
 */
export function decodeClock(bytes: Uint8Array, code: KvErrorCode = 'KV_CORRUPTION'): VectorClock | KvError {
  try {
    const input = new ByteReader(bytes);
    const clock = readClock(input);
    if (input.remaining !== 0) throw new DecodeFailure(`${input.remaining} bytes after the clock`);
    return clock;
  } catch (error) {
    if (error instanceof DecodeFailure) return kvError(code, `invalid vector clock: ${error.message}`);
    throw error;
  }
}
