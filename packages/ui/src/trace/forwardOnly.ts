/**
 * A forwarded request that never started: the node a client asked was not a replica of the key, it
 * forwarded the request to one that is (Dynamo §4.5), and that node never coordinated it — it was
 * crashed or paused, or the forward was lost. No `request.started` exists, so the swim lanes of
 * traceModel.ts have no coordinator to draw; this is the story that does exist: the forward, what
 * became of its message, and the forwarder giving up (`request.forward-expired`). Pure, unit-tested.
 */

import type { AnyEvent, RequestForwardExpired, RequestForwarded } from '../log/eventTypes.ts';
import { formatMs } from '../shared/format.ts';
import { pairMessages, type TraceMessage } from './traceModel.ts';

export interface ForwardOnlyModel {
  requestId: string;
  forward: RequestForwarded;
  /** The forward's message, paired with its delivery or drop (when message events were recorded). */
  message?: TraceMessage;
  expired?: RequestForwardExpired;
}

/** The forward-only story of `requestId`, or null when its events hold no forward. */
export function buildForwardOnly(
  requestId: string,
  events: readonly AnyEvent[],
  messages: readonly AnyEvent[] = [],
): ForwardOnlyModel | null {
  const mine = events.filter((e) => (e as { requestId?: unknown }).requestId === requestId);
  const forward = mine.find((e): e is RequestForwarded => e.type === 'request.forwarded');
  if (!forward) return null;
  const expired = mine.find((e): e is RequestForwardExpired => e.type === 'request.forward-expired');
  const ends = new Set([forward.node, forward.to]);
  const until = expired?.at ?? Number.POSITIVE_INFINITY;
  const owner = { coordinator: forward.to, forward: { node: forward.node, opNumber: forward.opNumber } };
  const message = pairMessages(messages, ends, forward.at, until, owner).find(
    (m) => m.msg === 'forward' && m.from === forward.node,
  );
  return { requestId, forward, ...(message ? { message } : {}), ...(expired ? { expired } : {}) };
}

/** The story as sentences, in time order. */
export function forwardOnlySteps(model: ForwardOnlyModel): string[] {
  const { forward, message, expired } = model;
  const { node: from, to } = forward;
  const steps = [
    `${from} is not a replica of ${forward.key}: it forwarded the ${forward.op} to ${to}, a replica, to coordinate.`,
  ];
  if (message?.dropped) steps.push(`The forward was dropped on the way (${message.dropped}).`);
  else if (message?.deliveredAt !== undefined)
    steps.push(
      `${to} received the forward after ${formatMs(message.deliveredAt - forward.at)} but reported no start of it.`,
    );
  else if (message && expired)
    steps.push(`${to} never received the forward (a crashed or paused node takes in nothing).`);
  else if (expired) steps.push(`${to} never answered.`);
  if (expired)
    steps.push(
      `${from} gave up after ${formatMs(expired.waitedMs)}: the outcome is unknown — ${to} may still have coordinated the ${forward.op}.`,
    );
  else steps.push(`${from} is waiting for ${to}'s answer.`);
  return steps;
}
