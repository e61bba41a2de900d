/**
 * Operation histories in the Jepsen convention (SPEC §3, TESTING.md): one record when a client
 * *invokes* an operation and one when it completes, as `ok` (it happened), `fail` (it certainly did
 * not happen) or `info` (indeterminate: a timeout — it may or may not have happened). The checkers
 * (checkers/) judge a run from its history alone, plus the replicas' final state for P1.
 *
 *   index type   process f    key  value  context    clock      siblings           time
 *   0     invoke 1       put  k    "a"    {}         ·          ·                  10
 *   1     invoke 2       get  k    null   ·          ·          ·                  11
 *   2     ok     1       put  k    "a"    {}         {n1:1}     ·                  14
 *   3     ok     2       get  k    null   {n1:1}     ·          [{"a", {n1:1}}]    15
 *
 * What a producer (the replication layer's client, the workloads) MUST record — the checkers rely on it:
 * - `invoke` of a write (`put`, `delete`, `add`): `value` written (`null` for delete; the element for
 *   `add`) and `context`, the context the client passes (`null` for a blind write without one).
 * - `ok` of a write: `clock`, the vector clock of the version it created (a tombstone's clock for a
 *   delete; for `add`, the clock of the put that completed the read–union–write), and `node`, the
 *   coordinator. `value` and `context` repeat the invoke's.
 * - `ok` of a read (`get`, `read`): `siblings`, every version the coordinator reconciled, each with
 *   its value and clock, tombstones included with `value: null` (a key never written gives `[]`);
 *   `context`, the merged clock the client is handed for its next write. `value` is `null` for `get`;
 *   for the set test's `read` it is the union of the siblings' elements as a sorted number[].
 * - `fail` / `info`: `error` (a `KV_…` code and sentence), and `node` when one coordinated.
 * - A process runs one operation at a time; its records are its session (P5). After an `info` the
 *   producer may keep the process (the session then has an unknown write in it) or start a new one.
 * - `time` is simulated milliseconds on the driver's clock (never a skewed node clock); `index` is
 *   the record's position, and the history order is the real-time order of the run.
 *
 * Serialisation is canonical (object keys sorted, no undefined fields, one record per line), so
 * "same seed → byte-identical history" is a string comparison.
 */

import { assert } from '../assert.ts';
import type { KvErrorData } from '../errors.ts';
import { utf8Decode } from '../hashing/utf8.ts';

export type OpType = 'invoke' | 'ok' | 'fail' | 'info';
export type OpFunction = 'get' | 'put' | 'delete' | 'add' | 'read';

/**
 * A vector clock as plain JSON: node id → counter. Entries with counter 0 are omitted. Per-entry
 * timestamps (used only for pruning) are not part of a history.
 */
export type HistoryClock = Record<string, number>;

/**
 * A value as plain JSON. Text is kept as a string (the UI edits values as text); bytes that are not
 * valid UTF-8 are `{ base64 }`; the set test's elements are numbers and its reads number[].
 * `null` is "no value": a tombstone, or an operation that carries none.
 */
export type HistoryValue = string | { base64: string } | number | number[] | null;

/** One version as a read returned it, or as a replica holds it in the final state. */
/** A version's own event (versioning/siblings.ts `Dot`): which write it is, and what it had seen. */
export interface HistoryDot {
  node: string;
  counter: number;
  base: number;
}

export interface HistorySibling {
  value: HistoryValue;
  clock: HistoryClock;
  /** Present for versions a coordinator made; checkers then judge "covers" by it. */
  dot?: HistoryDot;
}

export interface HistoryOp {
  index: number;
  type: OpType;
  /** The client (Jepsen "process"): a number, stable for the client's session. */
  process: number;
  f: OpFunction;
  key: string;
  value: HistoryValue;
  context: HistoryClock | null;
  /** Simulated milliseconds on the driver's clock. */
  time: number;
  /** The coordinating node, when known. */
  node?: string;
  error?: KvErrorData;
  /** `ok` of a write: the clock of the version the write created. */
  clock?: HistoryClock;
  /** `ok` of a write: the dot of the version the write created. */
  dot?: HistoryDot;
  /** `ok` of a read: every version reconciled, tombstones as `value: null`. */
  siblings?: HistorySibling[];
}

export const writeFunctions: readonly OpFunction[] = ['put', 'delete', 'add'];
export const readFunctions: readonly OpFunction[] = ['get', 'read'];

export function isWrite(op: HistoryOp): boolean {
  return writeFunctions.includes(op.f);
}

export function isRead(op: HistoryOp): boolean {
  return readFunctions.includes(op.f);
}

/** The handle `invoke` returns; pass it to exactly one of `ok`, `fail`, `info`. */
export interface OpHandle {
  readonly index: number;
  readonly process: number;
  readonly f: OpFunction;
  readonly key: string;
}

export interface InvokeFields {
  process: number;
  f: OpFunction;
  key: string;
  value?: HistoryValue;
  context?: HistoryClock | null;
  node?: string;
}

export interface OkFields {
  value?: HistoryValue;
  context?: HistoryClock | null;
  clock?: HistoryClock;
  dot?: HistoryDot;
  siblings?: HistorySibling[];
  node?: string;
}

export interface FailFields {
  error: KvErrorData;
  node?: string;
}

/**
 * A record with every field present, the optional ones `undefined` (serialisation drops them): all
 * records then share one shape, so the checkers' many passes over a history read their fields
 * from one hidden class instead of one per combination of optional fields.
 */
function record(
  index: number,
  type: OpType,
  process: number,
  f: OpFunction,
  key: string,
  time: number,
): HistoryOp {
  return {
    index,
    type,
    process,
    f,
    key,
    value: null,
    context: null,
    time,
    node: undefined,
    error: undefined,
    clock: undefined,
    dot: undefined,
    siblings: undefined,
  };
}

/**
 * The recorder the workloads write to. Records are appended in real-time order. A run records two
 * records per operation, so each is built in one object literal with no intermediate copies, and
 * the handle `invoke` returns is the invoke record itself (read through `OpHandle`'s fields).
 */
export class History {
  private readonly records: HistoryOp[] = [];
  /**
   * Process → its open invoke, or undefined once completed (set to undefined rather than deleted:
   * a run's few processes open and close an operation each time, and a Map delete can rehash).
   */
  private readonly open = new Map<number, HistoryOp | undefined>();

  get ops(): readonly HistoryOp[] {
    return this.records;
  }

  invoke(fields: InvokeFields, time: number): OpHandle {
    // Messages are built only on failure (`if`, not an eager template): these run twice per operation.
    if (this.open.get(fields.process) !== undefined)
      assert(false, `process ${fields.process} invoked while an operation is open`);
    const op = record(this.records.length, 'invoke', fields.process, fields.f, fields.key, time);
    op.value = fields.value ?? null;
    op.context = fields.context ?? null;
    op.node = fields.node;
    this.records.push(op);
    this.open.set(op.process, op);
    return op;
  }

  ok(handle: OpHandle, time: number, fields: OkFields = {}): HistoryOp {
    const isReadOp = handle.f === 'get' || handle.f === 'read';
    if (!isReadOp && fields.clock === undefined) assert(false, `ok ${handle.f} needs its clock`);
    if (isReadOp && fields.siblings === undefined) assert(false, `ok ${handle.f} needs siblings`);
    const invoke = this.close(handle, time);
    const op = this.completion(invoke, 'ok', time);
    if (fields.value !== undefined && fields.value !== null) op.value = fields.value;
    else if (isReadOp) op.value = null;
    if (fields.context !== undefined && fields.context !== null) op.context = fields.context;
    else if (isReadOp) op.context = null;
    op.node = fields.node ?? invoke.node;
    op.clock = fields.clock;
    op.dot = fields.dot;
    op.siblings = fields.siblings;
    return op;
  }

  fail(handle: OpHandle, time: number, fields: FailFields): HistoryOp {
    return this.failed(handle, 'fail', time, fields);
  }

  info(handle: OpHandle, time: number, fields: Partial<FailFields> = {}): HistoryOp {
    return this.failed(handle, 'info', time, fields);
  }

  /** Operations invoked and never completed (the run ended first): Jepsen treats them as `info`. */
  openOps(): readonly HistoryOp[] {
    const open = [...this.open.values()].filter((op): op is HistoryOp => op !== undefined);
    return open.sort((a, b) => a.index - b.index);
  }

  serialize(): string {
    return serializeHistory(this.records);
  }

  private failed(
    handle: OpHandle,
    type: 'fail' | 'info',
    time: number,
    fields: Partial<FailFields>,
  ): HistoryOp {
    const op = this.completion(this.close(handle, time), type, time);
    op.error = fields.error;
    op.node = fields.node;
    return op;
  }

  /** Appends the completion of `invoke`: its fields repeated, with the outcome and the time. */
  private completion(invoke: HistoryOp, type: OpType, time: number): HistoryOp {
    const op = record(this.records.length, type, invoke.process, invoke.f, invoke.key, time);
    op.value = invoke.value;
    op.context = invoke.context;
    this.records.push(op);
    return op;
  }

  private close(handle: OpHandle, time: number): HistoryOp {
    const invoke = this.open.get(handle.process);
    if (invoke === undefined || invoke.index !== handle.index)
      assert(false, `operation ${handle.index} completed twice or never invoked`);
    if (time < invoke.time)
      assert(false, `operation ${invoke.index} completes at ${time}, before its invoke`);
    this.open.set(invoke.process, undefined);
    return invoke;
  }
}

/** How a history shows a stored value's bytes (text, or the set test's elements). */
export type ValueDecoder = (bytes: Uint8Array) => HistoryValue;

/** A value's JSON form: valid UTF-8 as text, anything else as base64 (so equal bytes → equal JSON). */
export function historyValueOfBytes(bytes: Uint8Array): HistoryValue {
  // Reads return the stored value objects again and again (every read of a version, the final
  // contents): each is decoded once. Values are never modified once written, so the memo holds.
  let value = valuesSeen.get(bytes);
  if (value === undefined) {
    value = utf8Decode(bytes) ?? { base64: base64Encode(bytes) };
    valuesSeen.set(bytes, value);
  }
  return value;
}

const valuesSeen = new WeakMap<Uint8Array, HistoryValue>();

/** RFC 4648 base64 with padding. */
const base64Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const chunk = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let c = 0; c < 4; c++) out += c < chars ? base64Alphabet[(chunk >> (18 - 6 * c)) & 63] : '=';
  }
  return out;
}

/**
 * JSON with object keys sorted at every depth and undefined fields dropped: one text per value.
 * The pieces go to one list joined once (a report has ~10^5 objects: building each object's text
 * by concatenation or by `entries`/`map`/`join` per object left most of the time to the collector);
 * keys sort by UTF-16 code units (`sort()`'s default order for strings), and an array's hole stays
 * empty, as `map` then `join` leaves it.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const parts: string[] = [];
  writeCanonical(value, parts);
  return parts.join('');
}

/** Keys as JSON strings: a history repeats the same dozen field names in every record. */
const quotedKeys = new Map<string, string>();

function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = `${JSON.stringify(key)}:`;
    if (quotedKeys.size < 10_000) quotedKeys.set(key, quoted); // bounded: report keys are few
  }
  return quoted;
}

function writeCanonical(value: unknown, parts: string[]): void {
  if (value === null || typeof value !== 'object') {
    parts.push(JSON.stringify(value) ?? 'null');
    return;
  }
  if (Array.isArray(value)) {
    parts.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) parts.push(',');
      if (i in value) writeCanonical(value[i], parts);
    }
    parts.push(']');
    return;
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object).sort();
  parts.push('{');
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const field = object[key];
    if (field === undefined) continue;
    if (!first) parts.push(',');
    first = false;
    parts.push(quotedKey(key));
    writeCanonical(field, parts);
  }
  parts.push('}');
}

/** A JSON array, one canonical record per line: byte-identical for identical histories, diffable. */
export function serializeHistory(ops: readonly HistoryOp[]): string {
  if (ops.length === 0) return '[]\n';
  return `[\n${ops.map(canonicalJson).join(',\n')}\n]\n`;
}

/** Reads a serialised history back (a report's `history`). */
export function parseHistory(text: string): HistoryOp[] {
  const json: unknown = JSON.parse(text);
  assert(Array.isArray(json), 'a history is a JSON array of operation records');
  return json as HistoryOp[];
}
