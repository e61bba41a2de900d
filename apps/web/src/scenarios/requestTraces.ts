/**
 * The request traces of a simulated run, so that the replay can show any operation of its history
 * the way the live lab shows a request (RequestTrace: the coordinator, the replicas asked, who
 * counted toward R or W, stand-ins, the reply, the read repair after it). The scenario worker keeps
 * every request's trace events as the run emits them (`TraceCollector`), and each operation of the
 * history is tied to its request by its completion: the history records when and at which
 * coordinator an operation ended, and how; the coordinator's `request.completed` says the same of
 * its request — or, for a request another node forwarded, the arrival of the coordinator's
 * forward-reply at that node, which answered the client then (or the forwarder's
 * `request.forward-expired`, when it gave up on its target). Only a tie that is certain is made — one request completed at that node, for that
 * key, at that instant, with that outcome — so an operation is never shown another one's trace.
 * Operations the client gave up on (a timeout it made itself), or whose node's clock was skewed,
 * have no trace.
 */

import type { ClusterEvent } from '@kvscope/engine';
import { traceEventTypes } from '@kvscope/ui';
import type { ReplayOperation, ReplayTrace } from './replay.ts';

/** Requests whose traces a run keeps at most (a few events each). */
export const tracedRequestsMax = 50_000;

/** The trace events of a run's requests, by request id. */
export type RequestTraces = Record<string, ClusterEvent[]>;

export class TraceCollector {
  private readonly traces: RequestTraces = {};
  private count = 0;

  /** Sees one event of the run (`runScenario`'s `onEvent`). */
  observe = (event: ClusterEvent): void => {
    if (!traceEventTypes.has(event.type) || !('requestId' in event)) return;
    const list = this.traces[event.requestId];
    if (list) list.push(event);
    else if (this.count < tracedRequestsMax) {
      this.traces[event.requestId] = [event];
      this.count++;
    }
  };

  result(): RequestTraces {
    return this.traces;
  }
}

/**
 * Each operation's request id, where its completion names exactly one request: `operations[i]` ↔
 * the id at `i`, or null.
 */
export function requestIdsOf(
  operations: readonly ReplayOperation[],
  traces: RequestTraces,
  replay: ReplayTrace,
): (string | null)[] {
  const relayed = forwardReplies(replay);
  const completions = new Map<string, string[]>();
  const complete = (key: string, requestId: string) =>
    completions.set(key, [...(completions.get(key) ?? []), requestId]);
  for (const [requestId, events] of Object.entries(traces)) {
    const forward = events.find((e) => e.type === 'request.forwarded');
    for (const e of events) {
      // The forwarder gave up on its target: the client heard `info` from it then.
      if (e.type === 'request.forward-expired')
        complete(completionKey(e.node, e.key, e.at, 'info'), requestId);
      if (e.type !== 'request.completed') continue;
      // A forwarded request is answered when the forward-reply reaches the node the client asked.
      const at = forward ? relayed.get(`${e.node}>${forward.node}#${forward.opNumber}`) : e.at;
      if (at === undefined) continue;
      complete(completionKey(e.node, e.key, at, e.outcome), requestId);
    }
  }
  const claims = new Map<string, number>();
  const keys = operations.map((o) =>
    o.node === undefined || o.doneAt === null ? null : completionKey(o.node, o.key, o.doneAt, o.outcome),
  );
  for (const key of keys) if (key) claims.set(key, (claims.get(key) ?? 0) + 1);
  return keys.map((key) => {
    const ids = key ? completions.get(key) : undefined;
    return key && ids?.length === 1 && claims.get(key) === 1 ? (ids[0] as string) : null;
  });
}

/** When each forward-reply arrived, by `coordinator>forwarder#forwarder's op number`. */
function forwardReplies(replay: ReplayTrace): Map<string, number> {
  const type = replay.types.indexOf('forward-reply');
  const arrived = new Map<string, number>();
  if (type < 0) return arrived;
  for (let i = 0; i < replay.type.length; i++) {
    if (replay.type[i] !== type) continue;
    const from = replay.nodes[replay.from[i] as number];
    const to = replay.nodes[replay.to[i] as number];
    arrived.set(`${from}>${to}#${replay.op[i]}`, replay.deliverAt[i] as number);
  }
  return arrived;
}

function completionKey(node: string, key: string, at: number, outcome: string): string {
  return `${node}|${at}|${outcome}|${key}`;
}
