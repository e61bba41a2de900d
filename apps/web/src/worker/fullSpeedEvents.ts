/**
 * The events a node worker counts or leaves out instead of sending while the page does not draw
 * single messages (full speed, `setMessageEvents(false)`), beyond the messages themselves
 * (messageTally.ts): at 64 puts in flight a put made ~7.5 events, each built, cloned to the page and
 * folded there, and together they were a fifth of the browser's CPU per put.
 *
 *   - `version.stored` by an ordinary write (as coordinator or replica, three per put) is counted:
 *     the count rides in the batch (`EventBatch.stored`) and feeds each node's stored total;
 *   - a commit-log sync (`storage` `log.synced`, one per group commit) is left out: the inspector
 *     shows the log's durable bytes from snapshots, and at 16 nodes and 500 requests a second the
 *     syncs were most of what was left of the events to the page;
 *   - the request-trace events of a request the page does not record (`request.started`,
 *     `request.forwarded`, `replica.answered`, a successful `request.completed`) are left out: no view shows them (the
 *     trace view follows recorded requests only, and the page records no request of a workload too
 *     fast to read, nor the benchmark's), so the log shows the requests the lab records.
 *
 * A request forwarded to another coordinator keeps its id there, and that worker must leave out its
 * trace events too: the forwarding worker posts an `UntraceNote` just before the forward (same port,
 * same array, so it arrives first), and the receiver untraces the id. With 16 nodes most requests
 * are forwarded (13 in 16 coordinators picked at random hold no replica), and their trace events
 * were most of the ~3 events per request the page received at full speed.
 *
 * Everything that explains something stays an event: stores by repairs, hints, anti-entropy and
 * streams, read repairs and write-backs, a request that failed, and every event
 * of a recorded request. At classroom speed nothing is counted or left out.
 *
 * Invariant: the untraced set is bounded (`untracedRequestsMax`, oldest forgotten first); a late
 * answer to a request forgotten that long ago is sent as an event, which is harmless.
 */

import type { ClusterEvent } from '@kvscope/engine';

/** Unrecorded requests remembered: far more than are ever in flight, with their late answers. */
export const untracedRequestsMax = 4_096;

/** Host to host, beside the envelopes on a peer port: the page does not record this request. */
export interface UntraceNote {
  untrace: string;
}

export function isUntraceNote(raw: unknown): raw is UntraceNote {
  return typeof raw === 'object' && raw !== null && typeof (raw as UntraceNote).untrace === 'string';
}

export class FullSpeedEvents {
  /** Versions stored by ordinary writes since the last `takeStored`. */
  private stored = 0;
  private readonly untraced = new Set<string>();
  /** The untraced ids in the order noted, as a ring: `oldest` is the next to forget. */
  private readonly order: string[] = [];
  private oldest = 0;

  /** Notes that the page does not record `requestId`: its trace events need not reach it. */
  untrace(requestId: string): void {
    if (this.untraced.has(requestId)) return;
    this.untraced.add(requestId);
    if (this.order.length < untracedRequestsMax) {
      this.order.push(requestId);
      return;
    }
    this.untraced.delete(this.order[this.oldest] as string);
    this.order[this.oldest] = requestId;
    this.oldest = (this.oldest + 1) % untracedRequestsMax;
  }

  isUntraced(requestId: string): boolean {
    return this.untraced.has(requestId);
  }

  /** True when `event` is counted or left out rather than sent (only asked at full speed). */
  absorbs(event: ClusterEvent): boolean {
    switch (event.type) {
      case 'version.stored':
        if (event.cause !== 'coordinator' && event.cause !== 'replica') return false;
        this.stored++;
        return true;
      case 'storage':
        return event.event.type === 'log.synced';
      case 'request.started':
      case 'request.forwarded':
      case 'replica.answered':
        return this.untraced.has(event.requestId);
      case 'request.completed':
        return event.outcome === 'ok' && this.untraced.has(event.requestId);
      default:
        return false;
    }
  }

  /** The stores counted since the last call. */
  takeStored(): number {
    const stored = this.stored;
    this.stored = 0;
    return stored;
  }
}
