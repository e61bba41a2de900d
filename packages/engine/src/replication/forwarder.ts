/**
 * Forwarding (Dynamo §4.5): a node that receives a write for a key it does not replicate sends it
 * to a replica of the key, which coordinates it, and relays the answer to its client. The forwarder
 * waits for the target's own request timeout plus the two hops; if nothing comes back by then the
 * client gets `info` (the write may or may not have happened).
 */

import { kvError } from '../errors.ts';
import type { NodeOutput } from '../node/contract.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { Message } from '../protocol/messages.ts';
import { failure, type KvReply, type KvRequest } from './requests.ts';

interface PendingForward {
  request: KvRequest;
  to: NodeId;
  sentAt: number;
  deadline: number;
}

export class Forwarder {
  private readonly pending = new Map<number, PendingForward>();
  private nextOp = 1;

  constructor(
    private readonly self: NodeId,
    private readonly send: (to: NodeId, body: Message, out: NodeOutput) => void,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  forward(request: KvRequest, to: NodeId, waitMs: number, now: number, out: NodeOutput): void {
    const op = this.nextOp++;
    this.pending.set(op, { request, to, sentAt: now, deadline: now + waitMs });
    const { requestId, key } = request;
    out.events.push({ type: 'request.forwarded', at: now, node: this.self, requestId, key, to });
    this.send(to, { type: 'forward', op, request }, out);
  }

  /** The target's answer: handed to the client once (a duplicate or late answer is ignored). */
  onReply(op: number, reply: KvReply, out: NodeOutput): void {
    if (!this.pending.delete(op)) return;
    out.replies.push(reply);
  }

  expire(now: number, out: NodeOutput): void {
    for (const [op, entry] of this.pending) {
      if (now < entry.deadline) continue;
      this.pending.delete(op);
      const sentence = `the request was forwarded to ${entry.to}, which did not answer within ${now - entry.sentAt} ms`;
      out.replies.push(failure(entry.request, this.self, 'info', kvError('KV_TIMEOUT', sentence)));
    }
  }

  nextDeadline(): number | null {
    let next: number | null = null;
    for (const entry of this.pending.values())
      if (next === null || entry.deadline < next) next = entry.deadline;
    return next;
  }
}
