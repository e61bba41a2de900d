/**
 * Folds the workers' event batches into the lab store: messages in flight (or, when the network runs
 * too fast to see single messages, per-link counts), node states, request traces of the recorded
 * requests, the hints each node holds, the ring's members (from the nodes' `ring.changed` reports),
 * the recent Merkle exchanges (merkleExchanges.ts), and the event buffer the log and the views read.
 *
 * Message sends and deliveries outnumber everything else a hundred to one: they feed the flights,
 * the link counts and (at classroom speed only) a small buffer for the trace's arrows, never the
 * event log's buffer. At full speed the workers count them instead of sending an event each
 * (`EventBatch.messages`): the counts feed the same link counts and counters. The versions ordinary
 * writes store (three per put) are counted at full speed too (`EventBatch.stored`): the count feeds
 * each node's `stored`, and the log shows those stores one by one at classroom speed.
 */

import type { ClusterEvent } from '@kvscope/engine';
import { traceEventTypes } from '@kvscope/ui';
import type { EventBatch, MessageCounts } from '../shared/workerApi.ts';
import {
  appendBounded,
  eventsKeptMax,
  type InFlight,
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

/** Changes one node's record; `nodes` is the fold's private copy. */
function bump(nodes: Record<string, LiveNode>, id: string, patch: (node: LiveNode) => Partial<LiveNode>) {
  const node = nodes[id];
  if (node) nodes[id] = { ...node, ...patch(node) };
}

/**
 * Hints held per stand-in and owner: stored adds one, replayed or dropped takes one away, rerouted
 * (the owner left) moves one to the key's new replica, or away when the stand-in stored it itself.
 */
function foldHint(hints: Record<string, Record<string, number>>, event: ClusterEvent): void {
  if (event.type !== 'hint.stored' && event.type !== 'hint.replayed' && event.type !== 'hint.dropped') {
    if (event.type !== 'hint.rerouted') return;
    if (event.to !== event.node) countHint(hints, event.node, event.to, 1);
  }
  countHint(hints, event.node, event.owner, event.type === 'hint.stored' ? 1 : -1);
}

function countHint(hints: Record<string, Record<string, number>>, node: string, owner: string, by: number) {
  const held = { ...(hints[node] ?? {}) };
  const count = (held[owner] ?? 0) + by;
  if (count > 0) held[owner] = count;
  else delete held[owner];
  hints[node] = held;
}

/** Rare events the page acts on as they arrive (ring changes, rebalancing, node lifecycle). */
export function foldsAtOnce(event: ClusterEvent): boolean {
  return (
    event.type === 'ring.changed' || event.type.startsWith('rebalance.') || event.type.startsWith('node.')
  );
}

/** The sum of a count row (per type or per reason). */
function total(row: Record<string, number>): number {
  let n = 0;
  for (const kind in row) n += row[kind] ?? 0;
  return n;
}

/** The fold's private copies of what a fold changes, and what it collects for the buffers. */
interface Fold {
  nodes: Record<string, LiveNode>;
  drawFlights: boolean;
  flights: Record<string, InFlight>;
  linkCounts: Record<string, number>;
  counters: LabState['counters'];
  hints: Record<string, Record<string, number>>;
  /** The state's traces until a traced event needs a copy. */
  traces: Record<string, ClusterEvent[]>;
  tracesCopied: boolean;
  membership: LabState['membership'];
  kept: LabEvent[];
  notable: LabEvent[];
  messages: ClusterEvent[];
}

/** Folds a worker's message counts (sent and dropped by `node`, delivered to it). */
function foldMessageCounts(fold: Fold, node: string, counts: MessageCounts): void {
  const { counters, linkCounts } = fold;
  for (const to in counts.sent) {
    const n = total(counts.sent[to] ?? {});
    counters.sent += n;
    const link = `${node}->${to}`;
    linkCounts[link] = (linkCounts[link] ?? 0) + n;
  }
  let delivered = 0;
  for (const from in counts.delivered) delivered += total(counts.delivered[from] ?? {});
  counters.delivered += delivered;
  if (delivered > 0) bump(fold.nodes, node, (n) => ({ delivered: n.delivered + delivered }));
  for (const to in counts.dropped) counters.dropped += total(counts.dropped[to] ?? {});
}

/** A message event: the counters, the link counts and (when drawn) the flights. */
function foldMessage(fold: Fold, event: ClusterEvent): void {
  const { counters, flights, drawFlights } = fold;
  if (event.type === 'message.sent') {
    counters.sent++;
    const link = `${event.node}->${event.to}`;
    fold.linkCounts[link] = (fold.linkCounts[link] ?? 0) + 1;
    if (!drawFlights) return;
    const key = `${event.node}:${event.id}`;
    const deliverAt = event.deliverAt ?? event.at;
    flights[key] = {
      key,
      from: event.node,
      to: event.to,
      msg: event.msg,
      sentAt: event.at,
      deliverAt,
      deliveredAt: null,
    };
  } else if (event.type === 'message.delivered') {
    counters.delivered++;
    const flight = drawFlights ? flights[`${event.from}:${event.id}`] : undefined;
    if (flight) flights[flight.key] = { ...flight, deliveredAt: event.at };
    bump(fold.nodes, event.node, (n) => ({ delivered: n.delivered + 1 }));
  } else if (event.type === 'message.dropped') counters.dropped++;
}

/** Any other event: the buffers, the traces, the hints, the ring and the nodes' records. */
function foldEvent(fold: Fold, event: ClusterEvent): void {
  if (isNotable(event)) fold.notable.push(event);
  else fold.kept.push(event);
  if (traceEventTypes.has(event.type) && 'requestId' in event) {
    const list = fold.traces[event.requestId];
    if (list) {
      if (!fold.tracesCopied) fold.traces = { ...fold.traces };
      fold.tracesCopied = true;
      fold.traces[event.requestId] = [...list, event];
    }
  }
  foldHint(fold.hints, event);
  const { nodes } = fold;
  switch (event.type) {
    case 'ring.changed':
      fold.membership = foldRingChange(fold.membership, event.added, event.removed, event.at);
      break;
    case 'version.stored':
      bump(nodes, event.node, (n) => ({ stored: n.stored + 1 }));
      break;
    case 'node.started':
      // A killed worker's last batch may be folded after the kill: it stays crashed (a restart
      // marks the node starting first, so a new incarnation's start is never mistaken for it).
      bump(nodes, event.node, (n) =>
        n.status === 'crashed'
          ? { starts: n.starts + 1 }
          : { status: 'up', starts: n.starts + 1, error: null },
      );
      break;
    case 'node.paused':
    case 'node.resumed':
      bump(nodes, event.node, (n) =>
        n.status === 'crashed' ? {} : { status: event.type === 'node.paused' ? 'paused' : 'up' },
      );
      break;
  }
}

/** Folds the workers' batches of events (and message counts) into the state: one store update. */
export function applyEvents(state: LabState, batches: readonly EventBatch[]): Partial<LabState> {
  const drawFlights = state.linkDelayMs >= flightDrawDelayMinMs;
  const fold: Fold = {
    nodes: { ...state.nodes },
    drawFlights,
    flights: drawFlights ? { ...state.flights } : state.flights,
    linkCounts: { ...state.linkCounts },
    counters: { ...state.counters },
    hints: { ...state.hints },
    traces: state.traces,
    tracesCopied: false,
    membership: state.membership,
    kept: [],
    notable: [],
    messages: [],
  };
  /** Every event but the messages, in order, for the Merkle exchanges. */
  const others: ClusterEvent[] = [];
  for (const batch of batches) {
    fold.counters.eventsDropped += batch.dropped;
    if (batch.messages) foldMessageCounts(fold, batch.node, batch.messages);
    const stored = batch.stored ?? 0;
    if (stored > 0) bump(fold.nodes, batch.node, (n) => ({ stored: n.stored + stored }));
    for (const event of batch.events) {
      if (!event.type.startsWith('message.')) {
        foldEvent(fold, event);
        others.push(event);
      } else {
        foldMessage(fold, event);
        if (drawFlights) fold.messages.push(event);
      }
    }
  }
  const { nodes, flights, linkCounts, counters, traces, hints, membership } = fold;
  return {
    nodes,
    flights,
    linkCounts,
    counters,
    traces,
    hints,
    membership,
    exchanges: foldExchanges(state.exchanges, others),
    events: appendBounded(state.events, fold.kept, eventsKeptMax),
    notable: appendBounded(state.notable, fold.notable, notableKeptMax),
    messages: appendBounded(state.messages, fold.messages, messagesKeptMax),
  };
}
