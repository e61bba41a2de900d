/**
 * Folds the workers' event batches into the lab store: messages in flight (or, when the network runs
 * too fast to see single messages, per-link counts), node states, request traces of the recorded
 * requests, the hints each node holds, the ring's members (from the nodes' `ring.changed` reports),
 * the recent Merkle exchanges (merkleExchanges.ts), and the event buffer the log and the views read.
 *
 * Message sends and deliveries outnumber everything else a hundred to one: they feed the flights,
 * the link counts and (at classroom speed only) a small buffer for the trace's arrows, never the
 * event log's buffer. At full speed the workers count them instead of sending an event each
 * (`EventBatch.messages`): the counts feed the same link counts and counters.
 */

import type { ClusterEvent } from '@kvscope/engine';
import type { EventBatch, MessageCounts } from '../shared/workerApi.ts';
import {
  appendBounded,
  eventsKeptMax,
  isNotable,
  type LabEvent,
  type LabState,
  type LiveNode,
  messagesKeptMax,
  notableKeptMax,
} from './labStore.ts';
import { foldRingChange } from './membership.ts';
import { foldExchanges } from './merkleExchanges.ts';

/** Below this link delay a message lives too briefly to be seen: links show counts instead of dots. */
export const flightDrawDelayMinMs = 10;

const traced = new Set([
  'request.started',
  'request.forwarded',
  'replica.answered',
  'request.completed',
  'read-repair.sent',
]);

/** Changes one node's record; `nodes` is the fold's private copy. */
function bump(nodes: Record<string, LiveNode>, id: string, patch: (node: LiveNode) => Partial<LiveNode>) {
  const node = nodes[id];
  if (node) nodes[id] = { ...node, ...patch(node) };
}

/** Hints held per stand-in and owner: stored adds one, replayed or dropped takes one away. */
function foldHint(hints: Record<string, Record<string, number>>, event: ClusterEvent): void {
  if (event.type !== 'hint.stored' && event.type !== 'hint.replayed' && event.type !== 'hint.dropped') return;
  const held = { ...(hints[event.node] ?? {}) };
  const count = (held[event.owner] ?? 0) + (event.type === 'hint.stored' ? 1 : -1);
  if (count > 0) held[event.owner] = count;
  else delete held[event.owner];
  hints[event.node] = held;
}

/** The sum of a count row (per type or per reason). */
function total(row: Record<string, number>): number {
  let n = 0;
  for (const kind in row) n += row[kind] ?? 0;
  return n;
}

/** Folds a worker's message counts into the fold's private copies of the counters and link counts. */
function foldMessageCounts(
  node: string,
  counts: MessageCounts,
  counters: LabState['counters'],
  linkCounts: Record<string, number>,
  nodes: Record<string, LiveNode>,
): void {
  for (const to in counts.sent) {
    const n = total(counts.sent[to] ?? {});
    counters.sent += n;
    const link = `${node}->${to}`;
    linkCounts[link] = (linkCounts[link] ?? 0) + n;
  }
  let delivered = 0;
  for (const from in counts.delivered) delivered += total(counts.delivered[from] ?? {});
  counters.delivered += delivered;
  if (delivered > 0) bump(nodes, node, (n) => ({ delivered: n.delivered + delivered }));
  for (const to in counts.dropped) counters.dropped += total(counts.dropped[to] ?? {});
}

/** Folds a worker's batch of events (and message counts) into the state. */
export function applyEvents(state: LabState, batch: EventBatch): Partial<LabState> {
  const { events, dropped } = batch;
  const nodes = { ...state.nodes };
  const drawFlights = state.linkDelayMs >= flightDrawDelayMinMs;
  const flights = drawFlights ? { ...state.flights } : state.flights;
  const linkCounts = { ...state.linkCounts };
  const counters = { ...state.counters, eventsDropped: state.counters.eventsDropped + dropped };
  const hints = { ...state.hints };
  let traces = state.traces;
  let membership = state.membership;
  const kept: LabEvent[] = [];
  const notable: LabEvent[] = [];
  const messages: ClusterEvent[] = [];
  if (batch.messages) foldMessageCounts(batch.node, batch.messages, counters, linkCounts, nodes);
  for (const event of events) {
    if (event.type.startsWith('message.')) {
      if (drawFlights) messages.push(event);
    } else if (isNotable(event)) notable.push(event);
    else kept.push(event);
    if (traced.has(event.type) && 'requestId' in event) {
      const list = traces[event.requestId];
      if (list) {
        if (traces === state.traces) traces = { ...traces };
        traces[event.requestId] = [...list, event];
      }
    }
    foldHint(hints, event);
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
        bump(nodes, event.node, (n) => ({ delivered: n.delivered + 1 }));
        break;
      }
      case 'message.dropped':
        counters.dropped++;
        break;
      case 'ring.changed':
        membership = foldRingChange(membership, event.added, event.removed, event.at);
        break;
      case 'version.stored':
        bump(nodes, event.node, (n) => ({ stored: n.stored + 1 }));
        break;
      case 'node.started':
        bump(nodes, event.node, (n) => ({ status: 'up', starts: n.starts + 1, error: null }));
        break;
      case 'node.paused':
      case 'node.resumed':
        bump(nodes, event.node, (n) =>
          n.status === 'crashed' ? {} : { status: event.type === 'node.paused' ? 'paused' : 'up' },
        );
        break;
    }
  }
  return {
    nodes,
    flights,
    linkCounts,
    counters,
    traces,
    hints,
    membership,
    exchanges: foldExchanges(state.exchanges, events),
    events: appendBounded(state.events, kept, eventsKeptMax),
    notable: appendBounded(state.notable, notable, notableKeptMax),
    messages: appendBounded(state.messages, messages, messagesKeptMax),
  };
}
