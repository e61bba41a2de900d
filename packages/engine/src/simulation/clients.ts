/**
 * Simulated clients: the processes of a Jepsen-style run. A client talks to the store the way an
 * application would — one operation at a time, through one coordinator node (or one chosen per
 * request from the seeded stream), with a timeout of its own — and writes every operation into the
 * `History` exactly as history.ts prescribes: `invoke`, then `ok` / `fail` / `info`.
 *
 *   client ──invoke──▶ History            client ──request──▶ Simulation ──▶ node (coordinator)
 *          ◀──reply or client timeout──────────────────────────────────────────┘
 *          ──ok / fail / info──▶ History
 *
 * Two kinds of client share the plumbing (`ClientChannel`):
 * - `KvClient` (kv workload): get / put / delete; a put or delete of a key passes the context of the
 *   client's last read of that key, so a session's writes say what they replace (SPEC 1.5).
 * - `SetClient` (the Jepsen set test, TESTING T2): `add(e)` is read → union of every sibling's
 *   elements plus e → write with the read's context, so concurrent adds end up as siblings that the
 *   next add merges; `read` returns the union of the siblings.
 *
 * Outcomes: a client-side timeout of a write is `info` (it may have happened), of a read `fail`
 * (a read changes nothing). After an `info` the client continues as a new process (Jepsen's rule:
 * the old process is stuck in an indeterminate operation), with a fresh session and no contexts.
 */

import { assert } from '../assert.ts';
import { clientTimeoutFactor } from '../constants.ts';
import { kvError } from '../errors.ts';
import { utf8Encode } from '../hashing/utf8.ts';
import type { ClientReply } from '../node/contract.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { Rng } from '../random/rng.ts';
import type { KvCommand, KvFailure, KvReply, KvRequest } from '../replication/requests.ts';
import type { ConsistencyLevel } from '../scenario/types.ts';
import type { Dot, Version } from '../versioning/siblings.ts';
import type { VectorClock } from '../versioning/vectorClock.ts';
import { historyClock } from './checkers/clocks.ts';
import {
  type History,
  type HistoryDot,
  type HistorySibling,
  type HistoryValue,
  historyValueOfBytes,
  type OpFunction,
  type OpHandle,
  type ValueDecoder,
} from './history.ts';
import type { Simulation } from './simulation.ts';
import { decodeElements, unionOfElements } from './workloads/setElements.ts';

/** The client timeout for a cluster whose coordinators time out after `requestTimeoutMs`. */
export function clientTimeoutFor(requestTimeoutMs: number): number {
  return Math.ceil(requestTimeoutMs * clientTimeoutFactor);
}

/** Which node a client sends its requests to. */
export type CoordinatorChoice = { kind: 'bound'; node: NodeId } | { kind: 'random'; nodes: NodeId[] };

export interface ClientOptions {
  sim: Simulation;
  history: History;
  /** The Jepsen process number of the client's first session. */
  process: number;
  /** A fresh process number, for the session that follows an `info` (shared by a run's clients). */
  nextProcess: () => number;
  coordinator: CoordinatorChoice;
  /** The client's own stream (coordinator choice); a fork of the run's seed. */
  rng: Rng;
  timeoutMs: number;
  /** Where the run's clients share the history forms of versions; the client's own by default. */
  forms?: HistoryForms;
}

/** What a request came back with: the store's reply, or nothing before the client's timeout. */
type Outcome = KvReply | KvFailure;

/** The request a channel is waiting on. */
interface OpenRequest {
  requestId: string;
  type: KvCommand['type'];
  node: NodeId;
  /** Simulated time at which the client gives up. */
  deadline: number;
  done: (outcome: Outcome) => void;
}

/**
 * Sends one request at a time and delivers exactly one outcome per request: the coordinator's reply,
 * or a timeout failure made up by the client when none came in time (a crashed coordinator answers
 * nothing). A reply arriving after the client gave up is ignored.
 *
 * The timeout is one timer per client, not one per request: requests are one at a time and their
 * deadlines only grow, so a single pending timer at or before the open request's deadline suffices.
 * When it fires it times the request out if the deadline has come, and otherwise moves on to the
 * deadline of the request now open. Most requests are answered long before it, and cost no event.
 */
export class ClientChannel {
  private sequence = 0;
  private open: OpenRequest | null = null;
  /** When the pending timer fires, or null when none is pending. */
  private timerAt: number | null = null;
  private readonly timerLabel: string;
  private readonly onReply = (reply: ClientReply) => this.finish(reply.requestId, reply as KvReply);
  private readonly onTimer = () => this.timerFired();

  constructor(readonly options: ClientOptions) {
    this.timerLabel = `timeout c${options.process}`;
  }

  get busy(): boolean {
    return this.open !== null;
  }

  pickCoordinator(): NodeId {
    const choice = this.options.coordinator;
    return choice.kind === 'bound' ? choice.node : this.options.rng.pick(choice.nodes);
  }

  /** Sends `command` (which the channel takes over: it gets the request id) to `node`. */
  send(command: KvCommand, node: NodeId, done: (outcome: Outcome) => void): void {
    if (this.open !== null) assert(false, `client ${this.options.process} sent a request while one is open`);
    const { sim, timeoutMs } = this.options;
    const request = command as KvRequest;
    request.requestId = `c${this.options.process}.${this.sequence++}`;
    const deadline = sim.now + timeoutMs;
    this.open = { requestId: request.requestId, type: command.type, node, deadline, done };
    sim.request(node, request, this.onReply);
    if (this.timerAt === null) this.arm(deadline);
  }

  private arm(at: number): void {
    this.timerAt = at;
    this.options.sim.schedule(at, this.timerLabel, this.onTimer);
  }

  private timerFired(): void {
    this.timerAt = null;
    const open = this.open;
    if (open === null) return;
    if (open.deadline > this.options.sim.now) {
      this.arm(open.deadline);
      return;
    }
    const { timeoutMs } = this.options;
    const error = kvError(
      'KV_TIMEOUT',
      `the client heard nothing from ${open.node} within ${timeoutMs} ms`,
    ).toJSON();
    this.finish(open.requestId, {
      type: open.type,
      requestId: open.requestId,
      coordinator: open.node,
      ok: false,
      outcome: open.type === 'get' ? 'fail' : 'info',
      error,
    });
  }

  private finish(requestId: string, outcome: Outcome): void {
    const open = this.open;
    if (open === null || open.requestId !== requestId) return; // already timed out or answered
    this.open = null;
    open.done(outcome);
  }
}

/** Records one operation's completion; returns true when the process must change (an `info`). */
function recordFailure(history: History, handle: OpHandle, now: number, reply: KvFailure): boolean {
  const fields = { error: reply.error, node: reply.coordinator };
  if (reply.outcome === 'fail') {
    history.fail(handle, now, fields);
    return false;
  }
  history.info(handle, now, fields);
  return true;
}

/** The history forms of `siblings` (see `HistoryForms` for a run's clients, which share them). */
export function historySiblings(siblings: readonly Version[], decode: ValueDecoder): HistorySibling[] {
  const out: HistorySibling[] = [];
  for (let i = 0; i < siblings.length; i++) out.push(historySibling(siblings[i]!, decode));
  return out;
}

function historySibling(v: Version, decode: ValueDecoder): HistorySibling {
  // Every sibling has the same three fields (`dot` undefined when there is none): one shape.
  return {
    value: v.value === null ? null : decode(v.value),
    clock: historyClock(v.clock),
    dot: historyDot(v.dot),
  };
}

/**
 * The history forms of the versions one run has shown, per decoder. Reads return the same version
 * objects again and again (the replicas share them; every read of a key and its final contents show
 * them), so each version's form is made once and shared by every record that shows it: the history
 * keeps one object per version instead of three per appearance, and nothing reads a history to
 * change it. Versions are never modified once made, so the forms hold. One per run, in plain maps
 * that die with it: weak maps outliving runs cost the collector more than the forms save.
 */
export class HistoryForms {
  private readonly byDecoder = new Map<ValueDecoder, Map<Version, HistorySibling>>();
  /** Values written from ASCII text (`bytesOfText`): their `historyValueOfBytes` form, known. */
  private readonly texts = new Map<Uint8Array, string>();

  /**
   * `text`'s UTF-8 bytes, for a writer that has the value as text already (the kv workload's puts).
   * An ASCII text is noted as the history form of its bytes, which is exactly what decoding them
   * gives (one byte per character, each the same code), so the version that carries them is shown
   * without decoding; any other text is decoded when shown, like any value.
   */
  bytesOfText(text: string): Uint8Array {
    const bytes = utf8Encode(text);
    if (bytes.length === text.length) this.texts.set(bytes, text);
    return bytes;
  }

  siblings(versions: readonly Version[], decode: ValueDecoder): HistorySibling[] {
    const forms = this.formsOf(decode);
    const out: HistorySibling[] = [];
    for (let i = 0; i < versions.length; i++) {
      const v = versions[i]!;
      let shown = forms.get(v);
      if (shown === undefined) {
        shown = historySibling(v, decode === historyValueOfBytes ? this.decodeText : decode);
        forms.set(v, shown);
      }
      out.push(shown);
    }
    return out;
  }

  /** `historyValueOfBytes`, answered from the noted texts when the bytes are one of them. */
  private readonly decodeText = (bytes: Uint8Array): HistoryValue =>
    this.texts.get(bytes) ?? historyValueOfBytes(bytes);

  private formsOf(decode: ValueDecoder): Map<Version, HistorySibling> {
    let forms = this.byDecoder.get(decode);
    if (forms === undefined) {
      forms = new Map();
      this.byDecoder.set(decode, forms);
    }
    return forms;
  }
}

/** A version's dot as a history records it (a copy), or undefined without one. */
export function historyDot(dot: Dot | undefined): HistoryDot | undefined {
  return dot ? { node: dot.node, counter: dot.counter, base: dot.base } : undefined;
}

/** The part both clients share: the channel, the process number, the session's read contexts. */
abstract class SessionClient {
  protected readonly channel: ClientChannel;
  protected readonly contexts = new Map<string, VectorClock>();
  protected readonly forms: HistoryForms;
  process: number;

  constructor(options: ClientOptions) {
    this.channel = new ClientChannel(options);
    this.process = options.process;
    this.forms = options.forms ?? new HistoryForms();
  }

  get busy(): boolean {
    return this.channel.busy;
  }

  protected get history(): History {
    return this.channel.options.history;
  }

  protected get now(): number {
    return this.channel.options.sim.now;
  }

  protected invoke(f: OpFunction, key: string, value: HistoryValue, context: VectorClock | undefined) {
    const fields = { process: this.process, f, key, value, context: context ? historyClock(context) : null };
    return this.history.invoke(fields, this.now);
  }

  /** Ends the session after an `info`: a new process number, nothing read yet. */
  protected failed(handle: OpHandle, reply: KvFailure): void {
    if (!recordFailure(this.history, handle, this.now, reply)) return;
    this.process = this.channel.options.nextProcess();
    this.contexts.clear();
  }
}

/** A kv-workload client: get, put and delete of text values, with read–modify–write contexts. */
export class KvClient extends SessionClient {
  get(key: string, r: ConsistencyLevel | undefined, done: (ok: boolean) => void, node?: NodeId): void {
    const handle = this.invoke('get', key, null, undefined);
    const command: KvCommand = r === undefined ? { type: 'get', key } : { type: 'get', key, r };
    this.channel.send(command, node ?? this.channel.pickCoordinator(), (reply) => {
      if (!reply.ok) this.failed(handle, reply);
      else if (reply.type === 'get') {
        this.contexts.set(key, reply.context);
        this.history.ok(handle, this.now, {
          siblings: this.forms.siblings(reply.siblings, historyValueOfBytes),
          context: historyClock(reply.context),
          node: reply.coordinator,
        });
      }
      done(reply.ok);
    });
  }

  /** Puts `value`; `shown` is its history form, when the caller has it (else decoded from the bytes). */
  put(
    key: string,
    value: Uint8Array,
    w: ConsistencyLevel | undefined,
    done: () => void,
    shown: HistoryValue = historyValueOfBytes(value),
  ): void {
    this.write({ type: 'put', key, value }, shown, w, done);
  }

  delete(key: string, w: ConsistencyLevel | undefined, done: () => void): void {
    this.write({ type: 'delete', key }, null, w, done);
  }

  private write(
    base: { type: 'put'; key: string; value: Uint8Array } | { type: 'delete'; key: string },
    value: HistoryValue,
    w: ConsistencyLevel | undefined,
    done: () => void,
  ): void {
    const context = this.contexts.get(base.key);
    const handle = this.invoke(base.type, base.key, value, context);
    // `base` is this call's own object: the context and level go straight onto it.
    const command = base as KvCommand & { context?: VectorClock; w?: ConsistencyLevel };
    if (context) command.context = context;
    if (w !== undefined) command.w = w;
    this.channel.send(command, this.channel.pickCoordinator(), (reply) => {
      if (!reply.ok) this.failed(handle, reply);
      else if (reply.type !== 'get') {
        this.history.ok(handle, this.now, {
          clock: historyClock(reply.clock),
          dot: historyDot(reply.dot),
          node: reply.coordinator,
        });
      }
      done();
    });
  }
}

/**
 * A Jepsen set-test client: `add` is read → union → write with the read's context, so an add made
 * concurrently with another ends up beside it as a sibling, and the next add's union merges them.
 * The add's `ok` carries the clock of the put that completed it (history.ts).
 */
export class SetClient extends SessionClient {
  add(
    key: string,
    element: number,
    levels: { r?: ConsistencyLevel; w?: ConsistencyLevel },
    done: () => void,
  ): void {
    const handle = this.invoke('add', key, element, undefined);
    const node = this.channel.pickCoordinator();
    const get: KvCommand = levels.r === undefined ? { type: 'get', key } : { type: 'get', key, r: levels.r };
    this.channel.send(get, node, (read) => {
      if (!read.ok || read.type !== 'get') {
        // The read half failed: nothing was written, so the add certainly did not happen.
        if (!read.ok) this.failed(handle, { ...read, outcome: 'fail' });
        done();
        return;
      }
      const value = unionOfElements(valuesOf(read.siblings), element);
      const put = {
        type: 'put',
        key,
        value,
        context: read.context,
        ...(levels.w === undefined ? {} : { w: levels.w }),
      };
      this.channel.send(put as KvCommand, node, (written) => {
        if (!written.ok) this.failed(handle, written);
        else if (written.type !== 'get') {
          this.history.ok(handle, this.now, {
            clock: historyClock(written.clock),
            dot: historyDot(written.dot),
            node: written.coordinator,
          });
        }
        done();
      });
    });
  }

  /** Reads the set: the union of every sibling's elements, sorted. */
  read(key: string, r: ConsistencyLevel | undefined, node: NodeId, done: (ok: boolean) => void): void {
    const handle = this.invoke('read', key, null, undefined);
    const command: KvCommand = r === undefined ? { type: 'get', key } : { type: 'get', key, r };
    this.channel.send(command, node, (reply) => {
      if (!reply.ok || reply.type !== 'get') {
        if (!reply.ok) this.failed(handle, reply);
        done(false);
        return;
      }
      this.history.ok(handle, this.now, {
        value: decodeElements(unionOfElements(valuesOf(reply.siblings))),
        siblings: this.forms.siblings(reply.siblings, decodeElements),
        context: historyClock(reply.context),
        node: reply.coordinator,
      });
      done(true);
    });
  }
}

function valuesOf(siblings: readonly Version[]): (Uint8Array | null)[] {
  return siblings.map((version) => version.value);
}
