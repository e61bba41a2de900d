/**
 * The page's state: a vanilla zustand store of plain data fed by the workers' event batches and by
 * the lab's own actions (faults, client requests). React components select slices of it; nothing in
 * it refers to a worker or a port, so the same store can later be fed by the simulator for replay.
 *
 * Bounded everywhere: the log, the recent requests, the traces and the fault markers keep their
 * newest entries only.
 */

import type {
  ClusterEvent,
  FaultEvent,
  KvOperation,
  KvReply,
  NodeId,
  NodeSnapshot,
  RecoverySummary,
} from '@kvscope/engine';
import { createStore } from 'zustand/vanilla';
import type { StorageBackend } from '../shared/workerApi.ts';
import { type AutoscalerView, autoscalerOff } from './autoscaler.ts';
import { initialMembership, type MembershipView } from './membership.ts';
import type { MerkleExchange } from './merkleExchanges.ts';
import type { MetricSample } from './metrics.ts';
import { type NetworkFaults, noFaults } from './network.ts';
import { type ClusterSettings, defaultSettings } from './settings.ts';

export type LiveNodeStatus = 'starting' | 'up' | 'crashed' | 'paused';

export interface LiveNode {
  id: NodeId;
  status: LiveNodeStatus;
  /** Times this node was started (1 for the first start). */
  starts: number;
  delivered: number;
  /** Versions this node stored (as coordinator, replica or by read repair). */
  stored: number;
  backend: StorageBackend | null;
  /** What the last start replayed from the node's files (null before the first start). */
  recovery: (RecoverySummary & { recovered: boolean }) | null;
  /** Why the worker died, when it died of an error rather than a kill. */
  error: string | null;
}

/** A message between sending and arrival, for the animation. */
export interface InFlight {
  key: string;
  from: NodeId;
  to: NodeId;
  msg: string;
  sentAt: number;
  deliverAt: number;
  deliveredAt: number | null;
}

/**
 * A fault or operator action the page itself performed (kill, partition, heal …), as an event in the
 * same log as the engine's: the engine cannot report its own worker being terminated.
 */
export interface LabFaultEvent {
  type: 'lab.fault';
  at: number;
  /** The first node it concerns ('lab' for the whole cluster). */
  node: string;
  kind: FaultKind;
  label: string;
  nodes: NodeId[];
  [field: string]: unknown;
}

/** What the event log and the views read: the engine's events and the page's own faults. */
export type LabEvent = ClusterEvent | LabFaultEvent;

/** The linked selection: one node, key, request and fault, highlighted in every view. */
export interface Selection {
  node: NodeId | null;
  key: string | null;
  /** The request shown in the trace; null follows the latest client request. */
  requestId: string | null;
  /** The `seq` of the selected fault marker. */
  fault: number | null;
}

export type FaultKind =
  | 'kill'
  | 'restart'
  | 'pause'
  | 'resume'
  | 'partition'
  | 'one-way cut'
  | 'slow'
  | 'lossy'
  | 'wipe'
  | 'corrupt'
  | 'skew'
  | 'heal'
  | 'reset'
  | 'settings'
  | 'repair'
  | 'add'
  | 'remove'
  | 'autoscaler';

type WithoutTime<F> = F extends unknown ? Omit<F, 'atMs'> : never;
/** A fault of a scenario file without its time: what a lab action is in a simulated run. */
export type ScenarioFault = WithoutTime<FaultEvent>;

/** A fault (or an operator action) on the timeline, where and when it happened. */
export interface FaultMarker {
  seq: number;
  at: number;
  kind: FaultKind;
  label: string;
  nodes: NodeId[];
  /** The same action as scenario faults (sessionScenario.ts); absent when a scenario has none. */
  scenario?: ScenarioFault[];
}

/** One client request the page made: what it asked, whom, and what came back. */
export interface RequestRecord {
  requestId: string;
  op: KvOperation;
  key: string;
  coordinator: NodeId;
  source: 'user' | 'workload';
  startedAt: number;
  finishedAt: number | null;
  /** The node's reply, or null while pending; a client-side timeout is a `KvFailure` too. */
  reply: KvReply | null;
}

export interface WorkloadSettings {
  running: boolean;
  /** Operations per second. */
  rate: number;
  keys: number;
  /** Fraction of operations that are reads (the rest are puts). */
  readFraction: number;
}

export interface LabState {
  nodes: Record<string, LiveNode>;
  order: NodeId[];
  settings: ClusterSettings;
  /** The "network speed": the one-way delay added to every link, in ms. */
  linkDelayMs: number;
  faults: NetworkFaults;
  flights: Record<string, InFlight>;
  /** Messages sent per directed link (`n1->n2`), counted at every speed; drawn when too dense. */
  linkCounts: Record<string, number>;
  counters: { sent: number; delivered: number; dropped: number; eventsDropped: number };
  /** Every non-message event of the cluster, oldest first, bounded by `eventsKeptMax`. */
  events: LabEvent[];
  /**
   * Faults, node lifecycle, membership verdicts, hints, repairs and a wiped node's rebuild, kept
   * apart (bounded by `notableKeptMax`) so that a burst of requests cannot push a kill out of the log.
   */
  notable: LabEvent[];
  /** Recent message events, for the request trace's arrows (kept only when flights are drawn). */
  messages: ClusterEvent[];
  /** The latest snapshot of each node, polled from its worker (null while it is not running). */
  snapshots: Record<string, NodeSnapshot | null>;
  /** Hints each node holds, per intended owner, from `hint.*` events. */
  hints: Record<string, Record<string, number>>;
  selection: Selection;
  markers: FaultMarker[];
  requests: RequestRecord[];
  /** Request-trace events of the recorded requests, by request id. */
  traces: Record<string, ClusterEvent[]>;
  /** Keys written through the lab, newest last: the ring draws them. */
  keys: string[];
  workload: WorkloadSettings;
  ops: { ok: number; fail: number; info: number };
  /** Once a second: outcomes and hints, for the fault timeline's plots (metrics.ts). */
  metrics: MetricSample[];
  /** The ring's members as the engine reports them, and the join or departure in progress. */
  membership: MembershipView;
  autoscaler: AutoscalerView;
  /** Recent Merkle exchanges (anti-entropy), oldest first, from `antientropy.*` events. */
  exchanges: MerkleExchange[];
  /**
   * How many times every disk was wiped at once (a reset, a new data-centre layout): a client's
   * read contexts from before one name versions no node holds any more.
   */
  clusterWipes: number;
  /** Each skewed node's clock: how far it runs ahead of the page's (negative: behind), in ms. */
  clockSkews: Record<string, number>;
  /** The furthest any node's clock has run behind the page's since the page opened, in ms (≥ 0). */
  clockBehindMaxMs: number;
}

/** Events kept for the event log; older ones scroll away. */
export const eventsKeptMax = 1_500;
/** Notable events kept (faults, lifecycle, membership, hints, repairs). */
export const notableKeptMax = 400;
/** Message events kept for the request trace's arrows. */
export const messagesKeptMax = 600;
/** Client requests kept (with their traces) for the request list and the trace view. */
export const requestsKeptMax = 40;
/** Fault markers kept on the timeline. */
export const markersMax = 100;
/** Keys drawn on the ring. */
export const keysDrawnMax = 64;
/** A flight never delivered (its receiver died) is forgotten this long after it was due. */
export const flightForgetMs = 2_000;

let seq = 0;
export const nextSeq = () => seq++;

/** Appends to a bounded buffer, dropping the oldest entries; the same array when nothing is added. */
export function appendBounded<T>(buffer: readonly T[], items: readonly T[], max: number): T[] {
  return items.length === 0 ? (buffer as T[]) : [...buffer, ...items].slice(-max);
}

export const defaultWorkload: WorkloadSettings = { running: true, rate: 2, keys: 20, readFraction: 0.5 };

export function createLabStore(order: NodeId[], linkDelayMs: number, settings = defaultSettings) {
  return createStore<LabState>(() => ({
    nodes: freshNodes(order),
    order,
    settings,
    linkDelayMs,
    faults: noFaults,
    flights: {},
    linkCounts: {},
    counters: { sent: 0, delivered: 0, dropped: 0, eventsDropped: 0 },
    events: [],
    notable: [],
    messages: [],
    snapshots: {},
    hints: {},
    selection: { node: null, key: null, requestId: null, fault: null },
    markers: [],
    requests: [],
    traces: {},
    keys: [],
    workload: defaultWorkload,
    ops: { ok: 0, fail: 0, info: 0 },
    metrics: [],
    membership: initialMembership(order),
    autoscaler: autoscalerOff,
    exchanges: [],
    clusterWipes: 0,
    clockSkews: {},
    clockBehindMaxMs: 0,
  }));
}

export type LabStore = ReturnType<typeof createLabStore>;

export function freshNodes(order: readonly NodeId[]): Record<string, LiveNode> {
  const nodes: Record<string, LiveNode> = {};
  for (const id of order) {
    nodes[id] = {
      id,
      status: 'starting',
      starts: 0,
      delivered: 0,
      stored: 0,
      backend: null,
      recovery: null,
      error: null,
    };
  }
  return nodes;
}

/** Sets a node's state as the page knows it; a crash is also logged as the engine's `node.crashed`. */
export function setNodeStatus(
  state: LabState,
  id: NodeId,
  status: LiveNodeStatus,
  at: number,
): Partial<LabState> {
  const node = state.nodes[id];
  if (!node) return {};
  const crashed: LabEvent[] = status === 'crashed' ? [{ type: 'node.crashed', at, node: id }] : [];
  return {
    nodes: { ...state.nodes, [id]: { ...node, status } },
    notable: appendBounded(state.notable, crashed, notableKeptMax),
  };
}

export function patchNode(state: LabState, id: NodeId, patch: Partial<LiveNode>): Partial<LabState> {
  const node = state.nodes[id];
  return node ? { nodes: { ...state.nodes, [id]: { ...node, ...patch } } } : {};
}

/** Puts a fault on the timeline and in the event log. */
export function addMarker(
  state: LabState,
  kind: FaultKind,
  label: string,
  nodes: NodeId[],
  at: number,
  scenario?: ScenarioFault[],
): Partial<LabState> {
  const marker: FaultMarker = { seq: nextSeq(), at, kind, label, nodes, ...(scenario && { scenario }) };
  const event: LabFaultEvent = { type: 'lab.fault', at, node: nodes[0] ?? 'lab', kind, label, nodes };
  return {
    markers: [...state.markers, marker].slice(-markersMax),
    notable: appendBounded(state.notable, [event], notableKeptMax),
  };
}

/** Hints every node holds, for every owner (from the `hint.*` events folded into `hints`). */
export function hintsHeld(state: LabState): number {
  let held = 0;
  for (const owners of Object.values(state.hints)) for (const n of Object.values(owners)) held += n;
  return held;
}

/**
 * Events that tell the story of faults and recovery, as opposed to the steady request traffic. An
 * anti-entropy exchange that found its replicas in sync is routine: a quiet 5-node cluster at
 * classroom speed finished 11.6 a second, which pushed a kill out of the notable buffer in ~35 s.
 */
export function isNotable(event: LabEvent): boolean {
  if (event.type === 'antientropy.done') return event.outcome !== 'in-sync';
  return /^(lab\.|node\.|member\.|hint\.|antientropy\.repaired|ring\.changed|rebalance\.|rebuild\.)/.test(
    event.type,
  );
}

export function select(state: LabState, patch: Partial<Selection>): Partial<LabState> {
  return { selection: { ...state.selection, ...patch } };
}

/** Records a request the page just sent; its trace events are collected from now on. */
export function recordRequest(state: LabState, record: RequestRecord): Partial<LabState> {
  const requests = [...state.requests, record];
  const traces = { ...state.traces, [record.requestId]: [] };
  while (requests.length > requestsKeptMax) {
    const gone = requests.shift();
    if (gone) delete traces[gone.requestId];
  }
  const keys =
    record.op === 'get' || state.keys.at(-1) === record.key
      ? state.keys
      : [...state.keys.filter((k) => k !== record.key), record.key].slice(-keysDrawnMax);
  return { requests, traces, keys };
}

export function finishRequest(state: LabState, reply: KvReply, at: number): Partial<LabState> {
  const index = state.requests.findIndex((r) => r.requestId === reply.requestId);
  const outcome = reply.ok ? 'ok' : reply.outcome;
  const ops = { ...state.ops, [outcome]: state.ops[outcome] + 1 };
  if (index < 0) return { ops };
  const requests = state.requests.slice();
  requests[index] = { ...(requests[index] as RequestRecord), reply, finishedAt: at };
  return { requests, ops };
}

/** Drops flights that have landed before `displayNow`, or that never will. */
export function pruneFlights(state: LabState, displayNow: number): Partial<LabState> | null {
  let changed = false;
  const flights: Record<string, InFlight> = {};
  for (const [key, f] of Object.entries(state.flights)) {
    const landed = f.deliveredAt !== null && f.deliveredAt < displayNow;
    const lost = f.deliveredAt === null && f.deliverAt + flightForgetMs < displayNow;
    if (landed || lost) changed = true;
    else flights[key] = f;
  }
  return changed ? { flights } : null;
}
