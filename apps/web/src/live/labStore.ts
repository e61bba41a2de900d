/**
 * The page's state: a vanilla zustand store of plain data fed by the workers' event batches. React
 * components select slices of it; nothing in it refers to a worker or a port, so the same store can
 * later be fed by the simulator for replay.
 */

import type { ClusterEvent, NodeId } from '@kvscope/engine';
import { createStore } from 'zustand/vanilla';

export type LiveNodeStatus = 'starting' | 'up' | 'crashed';

export interface LiveNode {
  id: NodeId;
  status: LiveNodeStatus;
  /** Times this node was started (1 for the first start). */
  starts: number;
  delivered: number;
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

export interface LogLine {
  /** Increasing per page: a stable React key. */
  seq: number;
  at: number;
  text: string;
}

export interface LabState {
  nodes: Record<string, LiveNode>;
  order: NodeId[];
  /** hearing[a][b]: does node a currently hear node b (per the ping protocol)? */
  hearing: Record<string, Record<string, boolean>>;
  flights: Record<string, InFlight>;
  counters: { sent: number; delivered: number; dropped: number; eventsDropped: number };
  log: LogLine[];
  linkDelayMs: number;
}

/** Lines kept in the event log; older ones scroll away. */
export const logLengthMax = 200;
/** A flight never delivered (its receiver died) is forgotten this long after it was due. */
export const flightForgetMs = 2_000;

let logSeq = 0;
const logLine = (at: number, text: string): LogLine => ({ seq: logSeq++, at, text });

export function createLabStore(order: NodeId[], linkDelayMs: number) {
  const nodes: Record<string, LiveNode> = {};
  const hearing: Record<string, Record<string, boolean>> = {};
  for (const id of order) {
    nodes[id] = { id, status: 'starting', starts: 0, delivered: 0 };
    hearing[id] = Object.fromEntries(order.filter((p) => p !== id).map((p) => [p, true]));
  }
  return createStore<LabState>(() => ({
    nodes,
    order,
    hearing,
    flights: {},
    counters: { sent: 0, delivered: 0, dropped: 0, eventsDropped: 0 },
    log: [],
    linkDelayMs,
  }));
}

export type LabStore = ReturnType<typeof createLabStore>;

function describe(event: ClusterEvent): string | null {
  switch (event.type) {
    case 'node.started':
      return `${event.node} started${event.recovered ? ' (recovered from its files)' : ''}`;
    case 'node.crashed':
      return `${event.node} crashed (its worker was terminated)`;
    case 'peer.silent':
      return `${event.node} stopped hearing from ${event.peer} (silent for ${(event.silentForMs / 1000).toFixed(1)} s)`;
    case 'peer.heard-again':
      return `${event.node} hears ${event.peer} again`;
    case 'message.dropped':
      return event.reason === 'loss' || event.reason === 'cut'
        ? null
        : `${event.node} dropped a ${event.msg} to ${event.to} (${event.reason})`;
    default:
      return null;
  }
}

/** Folds a batch of events into the state (one store update per batch). */
export function applyEvents(
  state: LabState,
  events: readonly ClusterEvent[],
  dropped: number,
): Partial<LabState> {
  const nodes = { ...state.nodes };
  const hearing = { ...state.hearing };
  const flights = { ...state.flights };
  const counters = { ...state.counters, eventsDropped: state.counters.eventsDropped + dropped };
  const log = state.log.slice();
  for (const event of events) {
    const line = describe(event);
    if (line) log.push(logLine(event.at, line));
    switch (event.type) {
      case 'message.sent':
        counters.sent++;
        flights[`${event.node}:${event.id}`] = {
          key: `${event.node}:${event.id}`,
          from: event.node,
          to: event.to,
          msg: event.msg,
          sentAt: event.at,
          deliverAt: event.deliverAt ?? event.at,
          deliveredAt: null,
        };
        break;
      case 'message.delivered': {
        counters.delivered++;
        const flight = flights[`${event.from}:${event.id}`];
        if (flight) flights[flight.key] = { ...flight, deliveredAt: event.at };
        const node = nodes[event.node];
        if (node) nodes[event.node] = { ...node, delivered: node.delivered + 1 };
        break;
      }
      case 'message.dropped':
        counters.dropped++;
        break;
      case 'node.started': {
        const node = nodes[event.node];
        if (node) nodes[event.node] = { ...node, status: 'up', starts: node.starts + 1 };
        break;
      }
      case 'peer.silent':
        hearing[event.node] = { ...hearing[event.node], [event.peer]: false };
        break;
      case 'peer.heard-again':
        hearing[event.node] = { ...hearing[event.node], [event.peer]: true };
        break;
    }
  }
  return { nodes, hearing, flights, counters, log: log.slice(-logLengthMax) };
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

export function setNodeStatus(
  state: LabState,
  id: NodeId,
  status: LiveNodeStatus,
  at: number,
  text: string,
): Partial<LabState> {
  const node = state.nodes[id];
  if (!node) return {};
  return {
    nodes: { ...state.nodes, [id]: { ...node, status } },
    log: [...state.log, logLine(at, text)].slice(-logLengthMax),
  };
}
