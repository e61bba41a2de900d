/**
 * Folds the nodes' `antientropy.*` events into the recent Merkle exchanges the Merkle-diff tab shows
 * (SPEC §2): per exchange, who started it with whom over which range, each compared depth with its
 * differing nodes (from whichever side compared it), the keys each side received, and how it ended.
 *
 * An exchange is named `initiator#sequence` by the engine; the sequence restarts when a node does,
 * so the initiator's `node.started` closes its entries (later events of the name are a new
 * exchange's), and a `started` for a name already in the list begins a new entry (keyed by name and
 * start time).
 * Events reach the page in per-worker batches, so the responder's first `level` can arrive before
 * the initiator's `started`: it makes an entry without a start, which the `started` then completes
 * (and an entry whose `started` is never seen — older than the page, or dropped — stays so).
 *
 * Bounded (`exchangesKeptMax`), and biased to what a student came to see: background rounds between
 * equal replicas run every few seconds and would push a repair out within a minute, so the oldest
 * exchange that found nothing (`isQuiet`) goes first, then the oldest finished one, then the oldest
 * of any kind; and a late event
 * of an exchange already dropped starts no entry unless it shows a difference.
 */

import type {
  AntiEntropyEvent,
  AntiEntropySnapshot,
  ClusterEvent,
  KeyRange,
  NodeSnapshot,
} from '@kvscope/engine';
import type { MerkleExchangeView, MerkleLevelView } from '@kvscope/ui';

/**
 * An exchange as the lab keeps it: the view's shape, and whether its initiator has restarted since
 * (`closed`: its name may be reused, so later events with that name belong to a new exchange).
 */
export type MerkleExchange = MerkleExchangeView & { closed?: true };

/** Exchanges kept for the Merkle-diff list. */
export const exchangesKeptMax = 60;

function isAntiEntropy(event: ClusterEvent): event is AntiEntropyEvent {
  return event.type.startsWith('antientropy.');
}

/** The engine names an exchange after the node that started it: `n1#7`. */
export function initiatorOf(exchange: string): string {
  return exchange.split('#')[0] ?? exchange;
}

function fresh(event: AntiEntropyEvent): MerkleExchange {
  const initiator = initiatorOf(event.exchange);
  const started = event.type === 'antientropy.started';
  return {
    key: `${event.exchange}@${started ? event.at : `?${event.at}`}`,
    exchange: event.exchange,
    initiator,
    // Every event names the other side as `peer`; from the initiator's events that is the peer.
    peer: event.node === initiator ? event.peer : event.node,
    range: { start: event.range.start, end: event.range.end },
    trigger: started ? event.trigger : null,
    startedAt: started ? event.at : null,
    levels: [],
    repairs: [],
    done: null,
  };
}

function withLevel(levels: readonly MerkleLevelView[], level: MerkleLevelView): MerkleLevelView[] {
  return [...levels.filter((l) => l.depth !== level.depth), level].sort((a, b) => a.depth - b.depth);
}

/** One event applied to its exchange. */
function foldOne(exchange: MerkleExchange, event: AntiEntropyEvent): MerkleExchange {
  switch (event.type) {
    case 'antientropy.started':
      return exchange;
    case 'antientropy.level': {
      const { depth, compared, differing, nodes } = event;
      const level = { depth, by: event.node, compared, differing, nodes: [...nodes] };
      return { ...exchange, levels: withLevel(exchange.levels, level) };
    }
    case 'antientropy.repaired': {
      const repair = { node: event.node, from: event.peer, keys: event.keys, bytes: event.bytes };
      return { ...exchange, repairs: [...exchange.repairs, repair] };
    }
    case 'antientropy.done': {
      const { at, outcome, messages, bytes, keysRepaired, durationMs } = event;
      return { ...exchange, done: { at, outcome, messages, bytes, keysRepaired, durationMs } };
    }
  }
}

/**
 * An exchange that found nothing: it ended in-sync or refused, or (seen only from its responder's
 * late events, its start already dropped) it shows no difference. A running one is not quiet.
 */
export function isQuiet(x: MerkleExchange): boolean {
  if (x.levels.some((l) => l.differing > 0) || x.repairs.some((r) => r.keys > 0)) return false;
  return x.done ? x.done.outcome === 'in-sync' || x.done.outcome === 'refused' : x.startedAt === null;
}

/** An event that would only start an entry with nothing to show (its exchange was dropped). */
function startsNothing(event: AntiEntropyEvent): boolean {
  switch (event.type) {
    case 'antientropy.started':
      return false;
    case 'antientropy.level':
      return event.differing === 0;
    case 'antientropy.repaired':
      return event.keys === 0;
    case 'antientropy.done':
      return event.outcome === 'in-sync' || event.outcome === 'refused';
  }
}

/**
 * Drops the oldest exchange that found nothing, else the oldest finished one, else the oldest, until
 * within `max`. An unfinished entry goes last: it may be waiting for the other side's batch (a
 * responder's levels that came first wait for the initiator's start), and dropping it would leave
 * the exchange with one side's levels only — a drawing that cannot show which nodes were compared.
 */
function bound(list: MerkleExchange[], max: number): MerkleExchange[] {
  while (list.length > max) {
    const quiet = list.findIndex(isQuiet);
    const finished = quiet >= 0 ? quiet : list.findIndex((x) => x.done !== null);
    list.splice(Math.max(finished, 0), 1); // none quiet or finished (-1): the oldest
  }
  return list;
}

/**
 * The exchanges after a batch of events, oldest first; the same array when the batch has no
 * anti-entropy event (so the store's subscribers see no change).
 */
export function foldExchanges(
  exchanges: readonly MerkleExchange[],
  events: readonly ClusterEvent[],
  max = exchangesKeptMax,
): MerkleExchange[] {
  const relevant = events.filter((e) => isAntiEntropy(e) || e.type === 'node.started');
  if (relevant.length === 0) return exchanges as MerkleExchange[];
  const list = exchanges.slice();
  for (const event of relevant) {
    if (!isAntiEntropy(event)) {
      // A (re)started node names its exchanges from #1 again: close the previous incarnation's.
      list.forEach((x, i) => {
        if (x.initiator === event.node && !x.closed) list[i] = { ...x, closed: true };
      });
      continue;
    }
    let index = list.length - 1;
    while (index >= 0 && (list[index]?.exchange !== event.exchange || list[index]?.closed)) index--;
    const entry = list[index];
    if (event.type === 'antientropy.started' && entry && entry.startedAt === null && entry.done === null) {
      // The responder's events came first (another worker's batch): this is their start.
      list[index] = { ...entry, key: fresh(event).key, trigger: event.trigger, startedAt: event.at };
      continue;
    }
    if (index < 0 && startsNothing(event)) continue;
    if (event.type === 'antientropy.started' || index < 0) {
      list.push(fresh(event));
      index = list.length - 1;
    }
    list[index] = foldOne(list[index] as MerkleExchange, event);
  }
  return bound(list, max);
}

/** Newest first, for the list. */
export function newestFirst(exchanges: readonly MerkleExchange[]): MerkleExchange[] {
  return [...exchanges].reverse();
}

/** The keys a replica holds in `range`, from its latest snapshot (null when it has no such range). */
export function keysInRange(snapshot: NodeSnapshot | null | undefined, range: KeyRange): number | null {
  const antiEntropy = snapshot?.antiEntropy as AntiEntropySnapshot | undefined;
  const held = antiEntropy?.ranges.find((r) => r.range.start === range.start && r.range.end === range.end);
  return held ? held.keys : null;
}

/** A key's average length in bytes, from the keys the page has seen (UTF-8), or `fallback`. */
export function averageKeyBytes(keys: readonly string[], fallback: number): number {
  if (keys.length === 0) return fallback;
  const encoder = new TextEncoder();
  const total = keys.reduce((sum, k) => sum + encoder.encode(k).length, 0);
  return total / keys.length;
}
