/**
 * Envelopes to peers, coalesced per task: what one task of the worker (a batch of messages, a
 * request, a group commit) sends to a peer leaves in one `postMessage` of an array at the end of
 * that task, instead of one `postMessage` each. Every post costs the sender, the browser's message
 * routing and the receiver a fixed price (a task, an event, a clone header); at 64 puts in flight a
 * node sends a dozen envelopes to the same peer per task, so this price was paid a dozen times.
 *
 * Invariants: envelopes to one peer leave in the order they were added; `flush` (before a blocking
 * sync, at the end of the task) posts everything added so far, so nothing waits behind a sync that
 * would have left before it.
 */

import type { Envelope } from '@kvscope/engine';
import type { UntraceNote } from './fullSpeedEvents.ts';
import { hostTimeline } from './hostTimeline.ts';

/** What the outbox counts: envelopes sent, `postMessage` calls, and the milliseconds spent in them. */
export interface OutboxStats {
  sends: number;
  posts: number;
  sendMs: number;
}

export class PeerOutbox {
  private readonly queued = new Map<MessagePort, (Envelope | UntraceNote)[]>();
  private scheduled = false;

  constructor(private readonly stats: OutboxStats) {}

  /** Queues `envelope` for `port`; it leaves when the current task ends (or at the next `flush`). */
  add(port: MessagePort, envelope: Envelope | UntraceNote): void {
    const list = this.queued.get(port);
    if (list) list.push(envelope);
    else this.queued.set(port, [envelope]);
    if (!('untrace' in envelope)) this.stats.sends++;
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  /** Posts every queued envelope now, one array per peer. */
  flush(): void {
    this.scheduled = false;
    if (this.queued.size === 0) return;
    const t0 = performance.now();
    if (hostTimeline.on) hostTimeline.mark('post');
    for (const [port, envelopes] of this.queued) port.postMessage(envelopes);
    if (hostTimeline.on) hostTimeline.mark('posted');
    this.stats.posts += this.queued.size;
    this.queued.clear();
    this.stats.sendMs += performance.now() - t0;
  }
}
