/**
 * Stale reads as they happen, for the metrics plot (SPEC §2 "stale reads"): the rule of the P4
 * checker (engine checkers/staleReads.ts) applied to each get the page's client sends, instead of
 * to a finished history. A get must return a context that covers every write of its key that was
 * acknowledged before the get was sent; one that does not is stale. Writes still in flight when the
 * get leaves are concurrent with it and do not count.
 *
 *   put k ok {n1:2} ──┐
 *                     get k sent later → its context must cover {n1:2}, else stale
 *
 * Per key, the merge of the clocks of its acknowledged writes is enough: covering the merge is
 * covering each of them. A fresh one starts with each live history (new settings, or a reset: the
 * old writes exist nowhere any more), and unlike the history it has no size bound: its memory is
 * one clock per key.
 */

import { covers, type HistoryClock, historyClock, type KvReply, mergeInto } from '@kvscope/engine';

export class StaleReads {
  private readonly acknowledged = new Map<string, HistoryClock>();

  /** When a get is sent: what it must see (a copy: later acknowledgements are concurrent with it). */
  mustSee(key: string): HistoryClock | null {
    const merged = this.acknowledged.get(key);
    return merged ? { ...merged } : null;
  }

  /**
   * An answer: an acknowledged write joins its key's merge; an answered get says whether it was
   * stale (null for anything else).
   */
  answered(key: string, reply: KvReply, mustSee: HistoryClock | null): boolean | null {
    if (!reply.ok) return null;
    if (reply.type === 'get') return !covers(historyClock(reply.context), mustSee);
    const merged = this.acknowledged.get(key) ?? {};
    this.acknowledged.set(key, mergeInto(merged, historyClock(reply.clock)));
    return null;
  }
}
