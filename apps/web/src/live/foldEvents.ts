/**
 * Folds the workers' event batches into the lab store: messages in flight (or, when the network runs
 * too fast to see single messages, per-link counts), node states, request traces of the recorded
 * requests, and readable lines for the event log ("put k7 acknowledged by n2, n5 (W=2)").
 */

import type { ClusterEvent } from '@kvscope/engine';
import { type LabState, type LogLine, logLengthMax, logLine } from './labStore.ts';

/** Below this link delay a message lives too briefly to be seen: links show counts instead of dots. */
export const flightDrawDelayMinMs = 10;

const trace = new Set([
  'request.started',
  'request.forwarded',
  'replica.answered',
  'request.completed',
  'read-repair.sent',
]);

function describe(event: ClusterEvent): string | null {
  switch (event.type) {
    case 'node.started':
      return `${event.node} started${event.recovered ? ' and recovered from its files' : ' on an empty disk'}`;
    case 'node.paused':
      return `${event.node} paused: it holds every message and timer`;
    case 'node.resumed':
      return `${event.node} resumed`;
    case 'request.completed': {
      const quorum = `${event.op === 'get' ? 'R' : 'W'}=${event.needed}`;
      if (event.outcome === 'ok') {
        const verb = event.op === 'get' ? 'answered' : 'acknowledged';
        return `${event.op} ${event.key} ${verb} by ${event.answeredBy.join(', ')} (${quorum}) via ${event.node}`;
      }
      return `${event.op} ${event.key} failed at ${event.node} (${quorum}): ${event.error ?? event.outcome}`;
    }
    case 'request.forwarded':
      return `${event.node} forwards a write of ${event.key} to ${event.to}, a replica of the key`;
    case 'read-repair.sent':
      return `read repair of ${event.key}: ${event.node} sends the newest versions to ${event.replicas.join(', ')}`;
    case 'storage':
      return describeStorage(event);
    default:
      return null;
  }
}

function describeStorage(record: Extract<ClusterEvent, { type: 'storage' }>): string | null {
  const e = record.event;
  switch (e.type) {
    case 'memtable.flushed':
      return `${record.node} flushed its memtable to ${e.table} (${e.entries} entries)`;
    case 'compaction.done':
      return `${record.node} compacted its tables`;
    case 'recovery.done':
      return `${record.node} recovery: replayed its commit log`;
    case 'storage.error':
      return `${record.node} storage error ${e.code}: ${e.message}`;
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
  const drawFlights = state.linkDelayMs >= flightDrawDelayMinMs;
  const flights = drawFlights ? { ...state.flights } : state.flights;
  const linkCounts = { ...state.linkCounts };
  const counters = { ...state.counters, eventsDropped: state.counters.eventsDropped + dropped };
  let traces = state.traces;
  const lines: LogLine[] = [];
  for (const event of events) {
    const line = describe(event);
    if (line) lines.push(logLine(event.at, line));
    if (trace.has(event.type) && 'requestId' in event) {
      const list = traces[event.requestId];
      if (list) {
        if (traces === state.traces) traces = { ...traces };
        traces[event.requestId] = [...list, event];
      }
    }
    switch (event.type) {
      case 'message.sent': {
        counters.sent++;
        const link = `${event.node}->${event.to}`;
        linkCounts[link] = (linkCounts[link] ?? 0) + 1;
        if (!drawFlights) break;
        const key = `${event.node}:${event.id}`;
        flights[key] = {
          key,
          from: event.node,
          to: event.to,
          msg: event.msg,
          sentAt: event.at,
          deliverAt: event.deliverAt ?? event.at,
          deliveredAt: null,
        };
        break;
      }
      case 'message.delivered': {
        counters.delivered++;
        const flight = drawFlights ? flights[`${event.from}:${event.id}`] : undefined;
        if (flight) flights[flight.key] = { ...flight, deliveredAt: event.at };
        const node = nodes[event.node];
        if (node) nodes[event.node] = { ...node, delivered: node.delivered + 1 };
        break;
      }
      case 'message.dropped':
        counters.dropped++;
        break;
      case 'version.stored': {
        const node = nodes[event.node];
        if (node) nodes[event.node] = { ...node, stored: node.stored + 1 };
        break;
      }
      case 'node.started': {
        const node = nodes[event.node];
        if (node) nodes[event.node] = { ...node, status: 'up', starts: node.starts + 1, error: null };
        break;
      }
      case 'node.paused':
      case 'node.resumed': {
        const node = nodes[event.node];
        const status = event.type === 'node.paused' ? 'paused' : 'up';
        if (node && node.status !== 'crashed') nodes[event.node] = { ...node, status };
        break;
      }
    }
  }
  const log = lines.length ? [...state.log, ...lines].slice(-logLengthMax) : state.log;
  return { nodes, flights, linkCounts, counters, log, traces };
}
