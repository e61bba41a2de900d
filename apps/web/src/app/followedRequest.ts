/**
 * Which request the trace view shows when nobody picked one. The workload sends a request every
 * half second at the default rate, and at classroom speed each takes most of a second: showing
 * always the newest one meant a trace was replaced before it finished, and a third of the time the
 * view showed a request its coordinator had not received yet, which has no trace to draw. So the
 * view *follows* one request: it stays on it until it has finished and been shown finished for
 * `finishedHoldMs`, then moves to the newest request in flight whose trace has begun.
 *
 *   picked in the list ─▶ that one
 *   else your latest put/get/delete ─▶ that one (yours are never replaced by the workload's)
 *   else the followed workload request, while in flight or finished < finishedHoldMs ago
 *   else the newest request in flight whose trace has begun (so it is seen from start to reply),
 *   else the newest whose trace has begun, else the newest (the view says it is on its way)
 */

import type { LabState, RequestRecord } from '../live/labStore.ts';

/** How long a finished trace stays in view before the view follows a newer request. */
export const finishedHoldMs = 2_000;

/** Whether the node asked has reported the request (its start, or its forward): before that there is nothing to draw. */
export function traceBegun(state: LabState, requestId: string): boolean {
  // A forward begins it too: the node asked is not a replica, and the one it forwards to may never start it.
  return (state.traces[requestId] ?? []).some(
    (event) => event.type === 'request.started' || event.type === 'request.forwarded',
  );
}

/**
 * How long after its reply a request's trace may still be on its way: a coordinator sends its
 * events in batches (every ~32 ms) and its reply at once, so the reply can come first.
 */
export const traceLateMs = 2_000;

/**
 * Whether a request with no trace yet will get none: it failed (a client-side timeout may have met
 * a dead coordinator), or it was answered so long ago (`now`, `sharedNow`) that its events were lost.
 */
export function traceOverdue(r: RequestRecord, now: number): boolean {
  if (r.reply === null) return false;
  return !r.reply.ok || (r.finishedAt !== null && now - r.finishedAt > traceLateMs);
}

/**
 * The request to show. `followed` is the one shown last time (the view remembers it); `now` is in
 * the clock of `RequestRecord.finishedAt` (`sharedNow`).
 */
export function followedRequest(state: LabState, followed: string | null, now: number): RequestRecord | null {
  const { requests, selection } = state;
  const picked = requests.find((r) => r.requestId === selection.requestId);
  if (picked) return picked;
  const yours = newest(requests, (r) => r.source === 'user');
  if (yours) return yours;
  const current = requests.find((r) => r.requestId === followed);
  if (current && traceBegun(state, current.requestId) && !doneShowing(current, now)) return current;
  const begun = (r: RequestRecord) => traceBegun(state, r.requestId);
  return (
    newest(requests, (r) => begun(r) && r.reply === null) ??
    newest(requests, begun) ??
    requests.at(-1) ??
    null
  );
}

function doneShowing(record: RequestRecord, now: number): boolean {
  return record.finishedAt !== null && now - record.finishedAt >= finishedHoldMs;
}

/** The newest record that passes `test` (the lib is ES2022: no `findLast`). */
function newest(
  requests: readonly RequestRecord[],
  test: (r: RequestRecord) => boolean,
): RequestRecord | undefined {
  for (let i = requests.length - 1; i >= 0; i--) if (test(requests[i] as RequestRecord)) return requests[i];
  return undefined;
}
