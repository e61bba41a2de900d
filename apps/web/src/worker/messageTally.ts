/**
 * A node's messages counted per peer and per type, for the event batch, when the page does not
 * draw single messages: at full speed a node sends thousands of messages a second, and an event
 * object per message (built, batched, cloned to the page, folded there) costs more than the node's
 * own work. The page turns the counts into the same link counts and counters the events would give.
 *
 * Invariant: a message is either counted here or emitted as a `message.*` event, never both.
 */

import type { MessageCounts } from '../shared/workerApi.ts';

export class MessageTally {
  private counts: MessageCounts = { sent: {}, delivered: {}, dropped: {} };
  private empty = true;

  sent(to: string, type: string): void {
    this.add(this.counts.sent, to, type);
  }

  delivered(from: string, type: string): void {
    this.add(this.counts.delivered, from, type);
  }

  dropped(to: string, reason: string): void {
    this.add(this.counts.dropped, to, reason);
  }

  /** The counts since the last take (undefined when there are none), and a fresh start. */
  take(): MessageCounts | undefined {
    if (this.empty) return undefined;
    const counts = this.counts;
    this.counts = { sent: {}, delivered: {}, dropped: {} };
    this.empty = true;
    return counts;
  }

  private add(table: Record<string, Record<string, number>>, peer: string, kind: string): void {
    this.empty = false;
    let row = table[peer];
    if (!row) {
      row = {};
      table[peer] = row;
    }
    row[kind] = (row[kind] ?? 0) + 1;
  }
}
