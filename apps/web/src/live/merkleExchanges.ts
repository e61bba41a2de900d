/**
 * Folds the nodes' `antientropy.*` events into the recent Merkle exchanges the Merkle-diff tab shows
 * (SPEC §2): per exchange, who started it with whom over which range, each compared depth with its
 * differing nodes (from whichever side compared it), the keys each side received, and how it ended.
 *
 * An exchange is named `initiator#sequence` by the engine; the sequence restarts when a node does,
 * so a `started` for a name already in the list begins a new entry (keyed by name and start time).
 * Events of an exchange whose `started` was not seen (older than the page, or dropped) still make an
 * entry, without a start.
 *
 * Bounded (`exchangesKeptMax`), and biased to what a student came to see: background rounds between
 * equal replicas run every few seconds and would push a repair out within a minute, so the oldest
 * finished exchange that found nothing (in-sync, refused) goes first, then the oldest of any kind.
 */

import type {
  AntiEntropyEvent,
  AntiEntropySnapshot,
  ClusterEvent,
  KeyRange,
  NodeSnapshot,
} from '@kvscope/engine';
import type { MerkleExchangeView, MerkleLevelView } from '@kvscope/ui';

/** An exchange as the lab keeps it: the view's shape. */
export type MerkleExchange = MerkleExchangeView;

/** Exchanges kept for the Merkle-diff list. */
export const exchangesKeptMax = 40;

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

/** Drops the oldest finished exchange that found nothing, else the oldest, until within `max`. */
function bound(list: MerkleExchange[], max: number): MerkleExchange[] {
  while (list.length > max) {
    const quiet = list.findIndex(
      (x) => x.done !== null && (x.done.outcome === 'in-sync' || x.done.outcome === 'refused'),
    );
    list.splice(Math.max(quiet, 0), 1); // none quiet (-1): the oldest
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
  const relevant = events.filter(isAntiEntropy);
  if (relevant.length === 0) return exchanges as MerkleExchange[];
  const list = exchanges.slice();
  for (const event of relevant) {
    // The newest entry of that name: an older one is a previous incarnation's.
    let index = list.length - 1;
    while (index >= 0 && list[index]?.exchange !== event.exchange) index--;
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
