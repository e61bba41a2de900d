/**
 * A simulated run, kept for replay (SPEC §2 "Time": step by step or scrubbing a time slider): the
 * scenario worker records every message the simulator sent (when, from, to, its type, when it
 * arrives), every node's lifecycle (started, crashed, paused, resumed) and the links each fault left
 * cut, as they happen, and the Runs tab's replay view asks `replayAt` what the cluster looked like at
 * any simulated instant.
 * Nothing is re-simulated and nothing is invented: the picture at t is the recorded run at t, and
 * the same seed records the same run.
 *
 * Messages are kept in parallel typed arrays (a 50 s run sends a few hundred thousand; objects
 * would cost ten times the memory and a slow structured clone back to the page), in send order, so
 * the ones in flight at t are found from a binary search back by the longest flight.
 */

import {
  type ClusterEvent,
  compareNodeIds,
  type HistoryOp,
  type MessageType,
  type NodeId,
} from '@kvscope/engine';
import type { ClusterLink, ClusterNode, Flight } from '@kvscope/ui';

/** Messages a replay keeps at most; a longer run's later messages are counted, not drawn. */
export const replayMessagesMax = 400_000;

type Status = 'up' | 'crashed' | 'paused';

export interface ReplayTrace {
  /** Every node that appeared in the run, in first-seen order. */
  nodes: string[];
  /** Message type names; `type[i]` indexes it. */
  types: string[];
  sentAt: Float64Array;
  deliverAt: Float64Array;
  from: Uint16Array;
  to: Uint16Array;
  type: Uint8Array;
  /** The sender's message number, and the request number it carries (`opNumber`; NaN: none). */
  id: Float64Array;
  op: Float64Array;
  /** The longest any message was in flight (ms): how far back a flight can have started. */
  longestFlightMs: number;
  /** Messages not kept (the run sent more than `replayMessagesMax`). */
  truncated: number;
  /** Node lifecycle changes, in time order. */
  lifecycle: { at: number; node: number; status: Status }[];
  /** The one-way links cut (`[from, to]` node indexes) after each fault, in time order. */
  cuts: { at: number; links: [number, number][] }[];
  /** The last simulated instant the recording saw. */
  endMs: number;
}

export class ReplayRecorder {
  private readonly nodes: string[] = [];
  private readonly nodeIndex = new Map<string, number>();
  private readonly types: string[] = [];
  private readonly typeIndex = new Map<string, number>();
  private sentAt = new Float64Array(1024);
  private deliverAt = new Float64Array(1024);
  private from = new Uint16Array(1024);
  private to = new Uint16Array(1024);
  private type = new Uint8Array(1024);
  private id = new Float64Array(1024);
  private op = new Float64Array(1024);
  private count = 0;
  private truncated = 0;
  private longest = 0;
  private endMs = 0;
  private readonly lifecycle: ReplayTrace['lifecycle'] = [];
  private readonly cuts: ReplayTrace['cuts'] = [];

  /** Sees one event of the run (`runScenario`'s `onEvent`). */
  observe = (event: ClusterEvent): void => {
    this.endMs = Math.max(this.endMs, event.at);
    if (event.type === 'message.sent') {
      if (event.deliverAt !== null) this.message(event);
      return;
    }
    const status = lifecycleStatus[event.type];
    if (status) this.lifecycle.push({ at: event.at, node: this.indexOf(event.node), status });
  };

  /** Sees the links left cut after a fault (`runScenario`'s `onCutLinks`). */
  cutLinks = (at: number, cut: readonly (readonly [string, string])[]): void => {
    this.cuts.push({ at, links: cut.map(([from, to]) => [this.indexOf(from), this.indexOf(to)]) });
  };

  trace(): ReplayTrace {
    const n = this.count;
    return {
      nodes: [...this.nodes],
      types: [...this.types],
      sentAt: this.sentAt.slice(0, n),
      deliverAt: this.deliverAt.slice(0, n),
      from: this.from.slice(0, n),
      to: this.to.slice(0, n),
      type: this.type.slice(0, n),
      id: this.id.slice(0, n),
      op: this.op.slice(0, n),
      longestFlightMs: this.longest,
      truncated: this.truncated,
      lifecycle: [...this.lifecycle],
      cuts: [...this.cuts],
      endMs: this.endMs,
    };
  }

  private message(event: ClusterEvent & { type: 'message.sent' }): void {
    const { at, deliverAt, node: from, to, msg } = event;
    if (this.count >= replayMessagesMax) {
      this.truncated++;
      return;
    }
    if (this.count === this.sentAt.length) this.grow();
    const i = this.count++;
    this.sentAt[i] = at;
    this.deliverAt[i] = deliverAt as number;
    this.from[i] = this.indexOf(from);
    this.to[i] = this.indexOf(to);
    this.id[i] = event.id;
    this.op[i] = event.opNumber ?? Number.NaN;
    let t = this.typeIndex.get(msg);
    if (t === undefined) {
      t = this.types.push(msg) - 1;
      this.typeIndex.set(msg, t);
    }
    this.type[i] = t;
    this.longest = Math.max(this.longest, (deliverAt as number) - at);
  }

  private grow(): void {
    const size = this.sentAt.length * 2;
    const widen = <T extends Float64Array | Uint16Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.sentAt = widen(this.sentAt, (k) => new Float64Array(k));
    this.deliverAt = widen(this.deliverAt, (k) => new Float64Array(k));
    this.from = widen(this.from, (k) => new Uint16Array(k));
    this.to = widen(this.to, (k) => new Uint16Array(k));
    this.type = widen(this.type, (k) => new Uint8Array(k));
    this.id = widen(this.id, (k) => new Float64Array(k));
    this.op = widen(this.op, (k) => new Float64Array(k));
  }

  private indexOf(node: string): number {
    let i = this.nodeIndex.get(node);
    if (i === undefined) {
      i = this.nodes.push(node) - 1;
      this.nodeIndex.set(node, i);
    }
    return i;
  }
}

const lifecycleStatus: Partial<Record<ClusterEvent['type'], Status>> = {
  'node.started': 'up',
  'node.crashed': 'crashed',
  'node.paused': 'paused',
  'node.resumed': 'up',
};

/** One operation of the run's history: when it was invoked and completed (null: never), and how. */
export interface ReplayOperation {
  process: number;
  f: string;
  key: string;
  invokeAt: number;
  doneAt: number | null;
  outcome: 'ok' | 'fail' | 'info' | 'open';
  /** The coordinator its completion names, when it names one. */
  node?: string;
  /** Its request, when tied to one (requestTraces.ts): its trace can be shown. */
  requestId?: string;
}

/** The history's operations, each invoke paired with its completion (the same process's next record). */
export function replayOperations(history: readonly HistoryOp[]): ReplayOperation[] {
  const open = new Map<number, ReplayOperation>();
  const operations: ReplayOperation[] = [];
  for (const op of history) {
    if (op.type === 'invoke') {
      const operation: ReplayOperation = {
        process: op.process,
        f: op.f,
        key: op.key,
        invokeAt: op.time,
        doneAt: null,
        outcome: 'open',
      };
      open.set(op.process, operation);
      operations.push(operation);
      continue;
    }
    const operation = open.get(op.process);
    if (!operation) continue;
    operation.doneAt = op.time;
    operation.outcome = op.type;
    if (op.node !== undefined) operation.node = op.node;
    open.delete(op.process);
  }
  return operations;
}

/** The operations in progress at `t`, and the `recent` last completed at or before it. */
export function operationsAt(operations: readonly ReplayOperation[], t: number, recent = 4) {
  const running = operations.filter((o) => o.invokeAt <= t && (o.doneAt === null || o.doneAt > t));
  const done = operations.filter((o) => o.doneAt !== null && o.doneAt <= t);
  done.sort((a, b) => (a.doneAt as number) - (b.doneAt as number));
  return { running, done: done.slice(-recent) };
}

/**
 * Each node's data centre, for the replay to draw them in bands as the live cluster does; null when
 * the scenario has one data centre (a single circle). Nodes that join later are in the list too.
 */
export function replayDataCentres(cluster: {
  nodes: readonly { id: string; dataCentre: string }[];
  dataCentres: readonly string[];
}): Record<string, string> | null {
  if (cluster.dataCentres.length < 2) return null;
  return Object.fromEntries(cluster.nodes.map((node) => [node.id, node.dataCentre]));
}

/** The cluster at simulated instant `t`: each node's state, the messages on the wire, the cut links. */
export function replayAt(
  trace: ReplayTrace,
  t: number,
): { nodes: ClusterNode[]; flights: Flight[]; cutLinks: ClusterLink[] } {
  const status = initialStatus(trace);
  for (const change of trace.lifecycle) {
    if (change.at > t) break;
    status[change.node] = change.status;
  }
  // In name order, as the live cluster draws them: the trace lists nodes as they first appear.
  const nodes = trace.nodes
    .map((id, i) => ({ id, status: status[i] as ClusterNode['status'] }))
    .sort((a, b) => compareNodeIds(a.id, b.id));
  const flights: Flight[] = [];
  for (let i = firstSentAfter(trace.sentAt, t - trace.longestFlightMs); i < trace.sentAt.length; i++) {
    const sent = trace.sentAt[i] as number;
    if (sent > t) break;
    const arrives = trace.deliverAt[i] as number;
    if (arrives <= t) continue;
    flights.push({
      key: String(i),
      from: trace.nodes[trace.from[i] as number] as string,
      to: trace.nodes[trace.to[i] as number] as string,
      msg: trace.types[trace.type[i] as number] as string,
      progress: arrives > sent ? (t - sent) / (arrives - sent) : 1,
    });
  }
  return { nodes, flights, cutLinks: cutLinksAt(trace, t) };
}

/** The links cut at `t`: those the last fault at or before `t` left cut. */
function cutLinksAt(trace: ReplayTrace, t: number): ClusterLink[] {
  let links: [number, number][] = [];
  for (const change of trace.cuts) {
    if (change.at > t) break;
    links = change.links;
  }
  const name = (i: number) => trace.nodes[i] as string;
  return links.map(([from, to]) => ({ from: name(from), to: name(to), cut: true }));
}

/**
 * Each node's state before its first recorded change: up (the run's nodes start with it, before the
 * recording begins), except a node whose first change is a start later in the run (a joiner): it is
 * not running yet.
 */
function initialStatus(trace: ReplayTrace): ClusterNode['status'][] {
  const status = trace.nodes.map((): ClusterNode['status'] => 'up');
  const seen = new Set<number>();
  for (const change of trace.lifecycle) {
    if (seen.has(change.node)) continue;
    seen.add(change.node);
    if (change.status === 'up' && change.at > 0) status[change.node] = 'starting';
  }
  return status;
}

/**
 * The numbered messages (those of requests) sent from `fromMs` to `toMs`, as the `message.sent` and
 * `message.delivered` events the request trace pairs (RequestTrace's `messages`).
 */
export function requestMessages(trace: ReplayTrace, fromMs: number, toMs: number): ClusterEvent[] {
  const events: ClusterEvent[] = [];
  for (let i = firstSentAfter(trace.sentAt, fromMs); i < trace.sentAt.length; i++) {
    const at = trace.sentAt[i] as number;
    if (at > toMs) break;
    const opNumber = trace.op[i] as number;
    if (Number.isNaN(opNumber)) continue;
    const node = trace.nodes[trace.from[i] as number] as NodeId;
    const to = trace.nodes[trace.to[i] as number] as NodeId;
    const msg = trace.types[trace.type[i] as number] as MessageType;
    const id = trace.id[i] as number;
    const deliverAt = trace.deliverAt[i] as number;
    events.push({ type: 'message.sent', at, node, to, id, msg, deliverAt, opNumber });
    events.push({ type: 'message.delivered', at: deliverAt, node: to, from: node, id, msg });
  }
  return events;
}

/** The next instant after `t` at which a message is sent or arrives (for stepping), or null. */
export function nextMessageEvent(trace: ReplayTrace, t: number): number | null {
  let next = Number.POSITIVE_INFINITY;
  const i = firstSentAfter(trace.sentAt, t + 1e-9);
  if (i < trace.sentAt.length) next = trace.sentAt[i] as number;
  for (let k = firstSentAfter(trace.sentAt, t - trace.longestFlightMs); k < i; k++) {
    const arrives = trace.deliverAt[k] as number;
    if (arrives > t && arrives < next) next = arrives;
  }
  return Number.isFinite(next) ? next : null;
}

/** The index of the first message sent at or after `t` (binary search: they are in send order). */
function firstSentAfter(sentAt: Float64Array, t: number): number {
  let lo = 0;
  let hi = sentAt.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sentAt[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
