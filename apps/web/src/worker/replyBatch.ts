/**
 * Replies to the page's client, coalesced: the replies a task releases (a group commit answers a
 * dozen requests at once under load) leave in one `postMessage` of an array once the task's
 * promise callbacks have run, instead of one each. The page sends its requests the same way
 * (liveCluster.ts), so a port carries a few arrays per task rather than a message per request.
 */

import type { KvReply } from '@kvscope/engine';

export class ReplyBatch {
  private replies: KvReply[] = [];

  constructor(private readonly port: MessagePort) {}

  add(reply: KvReply): void {
    this.replies.push(reply);
    // Scheduled behind the promise callbacks already queued: the other replies of this task.
    if (this.replies.length === 1) queueMicrotask(() => this.post());
  }

  private post(): void {
    const replies = this.replies;
    this.replies = [];
    this.port.postMessage(replies);
  }
}
