/**
 * Which events the log shows: those matching a node, a key and a set of kinds, newest first,
 * at most `limit`. Pure, so the log's behaviour is unit-tested; the component only renders.
 *
 * A node filter matches every event that *names* the node (where it happened, the other end of a
 * message, a replica asked or answering …), so "n3" also shows the requests n3 served for others.
 */

import { type AnyEvent, type EventKind, eventKey, eventKind, eventNodes } from './eventTypes.ts';

export interface EventFilter {
  node?: string | null;
  /** Exact key. */
  key?: string | null;
  /** Kinds to show; all when absent or empty. */
  kinds?: readonly EventKind[] | null;
}

export function matchesFilter(event: AnyEvent, filter: EventFilter): boolean {
  if (filter.kinds?.length && !filter.kinds.includes(eventKind(event))) return false;
  if (filter.key && eventKey(event) !== filter.key) return false;
  if (filter.node && !eventNodes(event).includes(filter.node)) return false;
  return true;
}

/** Matching events, newest first (by time, then by arrival), at most `limit`. */
export function selectEvents<E extends AnyEvent>(
  events: readonly E[],
  filter: EventFilter,
  limit: number,
): E[] {
  const out: E[] = [];
  for (let i = events.length - 1; i >= 0 && out.length < limit; i--) {
    const event = events[i] as E;
    if (matchesFilter(event, filter)) out.push(event);
  }
  // Events arrive in batches per worker, so arrival order is only roughly time order: sort the page.
  return out.sort((a, b) => b.at - a.at);
}
