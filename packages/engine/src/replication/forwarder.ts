/**
 * Forwarding (Dynamo §4.5): a node that receives a write for a key it does not replicate sends it
 * to a replica of the key, which coordinates it, and relays the answer to its client. The forwarder
 * waits for the target's own request timeout plus the two hops; if nothing comes back by then the
 * client gets `info` (the write may or may not have happened).
 *
 * The receiving side is here too: a network that duplicates messages can deliver one `forward`
 * twice, and coordinating it twice would store two versions of one write (two dots, a false
 * sibling). The replica remembers the forwards it took (`firstArrival`) for `forwardsRememberedMs`.
 */

import { forwardsRememberedMax, forwardsRememberedMs } from '../constants.ts';
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
  /** Forwards coordinated here, by sender, op and request id, with their arrival (oldest first). */
  private readonly arrived = new Map<string, number>();

  constructor(
    private readonly self: NodeId,
    private readonly send: (to: NodeId, body: Message, out: NodeOutput) => void,
  ) {}

  /** Numbers this incarnation's forwards from `first` on (versioning/actor.ts `opBase`). */
  numberOpsFrom(first: number): void {
    this.nextOp = first;
  }

  get size(): number {
    return this.pending.size;
  }

  forward(request: KvRequest, to: NodeId, waitMs: number, now: number, out: NodeOutput): void {
    const op = this.nextOp++;
    this.pending.set(op, { request, to, sentAt: now, deadline: now + waitMs });
    const { requestId, key } = request;
    out.events.push({
      type: 'request.forwarded',
      at: now,
      node: this.self,
      requestId,
      op: request.type,
      key,
      to,
      opNumber: op,
    });
    this.send(to, { type: 'forward', op, request }, out);
  }

  /**
   * True the first time a `forward` arrives, false for a copy the network delivered again (it must
   * not be coordinated twice). The request id is part of its identity because a sender that
   * restarted numbers its forwards from 1 again.
   */
  firstArrival(from: NodeId, op: number, requestId: string, now: number): boolean {
    for (const [id, at] of this.arrived) {
      if (now - at < forwardsRememberedMs && this.arrived.size < forwardsRememberedMax) break;
      this.arrived.delete(id);
    }
    const id = `${from} ${op} ${requestId}`;
    if (this.arrived.has(id)) return false;
    this.arrived.set(id, now);
    return true;
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
      const { request, to } = entry;
      const waitedMs = now - entry.sentAt;
      out.events.push({
        type: 'request.forward-expired',
        at: now,
        node: this.self,
        requestId: request.requestId,
        op: request.type,
        key: request.key,
        to,
        waitedMs,
      });
      const sentence = `the request was forwarded to ${to}, which did not answer within ${Math.round(waitedMs)} ms`;
      out.replies.push(failure(request, this.self, 'info', kvError('KV_TIMEOUT', sentence)));
    }
  }

  nextDeadline(): number | null {
    let next: number | null = null;
    for (const entry of this.pending.values())
      if (next === null || entry.deadline < next) next = entry.deadline;
    return next;
  }
}
