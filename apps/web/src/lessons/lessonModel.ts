/**
 * Lessons (SPEC §2): guided walks through the chapter's topics on the live cluster, each step
 * pausing to let the learner predict, act, and check. A lesson is data (lessons.ts); this module
 * holds its shape and the questions a step asks of the lab's state to see that the learner did
 * what it asked — a node killed, a put acknowledged, hints held — so the lesson follows the real
 * cluster rather than a script.
 *
 * A step's `done` is asked of every new state with the `since` mark taken when the step began (the
 * page's clock and the newest fault marker then): only what happened after it counts. The bar keeps
 * a step done once it was, because the evidence (an event, a recorded request) may scroll away.
 */

import { buildRing, type KvReply, type NodeId, preferenceList } from '@kvscope/engine';
import { beliefMatrix } from '../live/gossip.ts';
import type { FaultKind, LabState, RequestRecord } from '../live/labStore.ts';
import type { ClusterSettings } from '../live/settings.ts';
import { sharedNow } from '../shared/workerApi.ts';

export interface Prediction {
  question: string;
  options: readonly string[];
  /** The index of the right option. */
  answer: number;
  /** Why it is right, shown once the learner has chosen. */
  why: string;
}

/** When a step began: only what happened after it counts towards its `done`. */
export interface Since {
  at: number;
  /** The `seq` of the newest fault marker then (−1: none). */
  marker: number;
}

export interface LessonStep {
  title: string;
  /** What the learner reads first. */
  text: string;
  /** Asked before acting: the learner commits to an answer, then sees why. */
  predict?: Prediction;
  /** What to do in the lab, and how the lesson sees that it was done. */
  act?: {
    instruction: string;
    done: (state: LabState, since: Since) => boolean;
    /**
     * A settings change the lesson bar can apply for the learner ("Apply it for me"): setting up
     * the cluster is not what the lesson teaches, and a teacher in front of a class wants it quick.
     */
    settings?: (current: ClusterSettings) => ClusterSettings;
  };
  /** What to look at once done: the check of the prediction against what the lab shows. */
  check?: string;
}

export interface Lesson {
  id: string;
  title: string;
  steps: readonly LessonStep[];
}

export function sinceNow(state: LabState): Since {
  return { at: sharedNow(), marker: state.markers.at(-1)?.seq ?? -1 };
}

/** The fault markers of `kind` set since the step began. */
export function markersSince(state: LabState, since: Since, kind: FaultKind) {
  return state.markers.filter((m) => m.seq > since.marker && m.kind === kind);
}

/** When each fault marker of `kind` set since the step began was set. */
export function markerTimesSince(state: LabState, since: Since, kind: FaultKind): number[] {
  return markersSince(state, since, kind).map((m) => m.at);
}

/** The learner's own requests (not the workload's) of `op` started at or after `at`, answered. */
export function answeredAfter(
  state: LabState,
  at: number,
  op: RequestRecord['op'],
): (RequestRecord & { reply: KvReply })[] {
  return state.requests.filter(
    (r): r is RequestRecord & { reply: KvReply } =>
      r.source === 'user' && r.op === op && r.startedAt >= at && r.reply !== null,
  );
}

/** Whether one of the learner's `op` requests started at or after `at` was answered ok (passing `test`). */
export function okAfter(
  state: LabState,
  at: number,
  op: RequestRecord['op'],
  test: (reply: KvReply & { ok: true }, key: string) => boolean = () => true,
): boolean {
  return answeredAfter(state, at, op).some(({ reply, key }) => reply.ok && test(reply, key));
}

/**
 * Whether one of the learner's puts since the step began was forwarded to a replica that never
 * answered: its outcome unknown (`info`), and its trace has the forwarder giving up.
 */
export function forwardUnansweredSince(state: LabState, since: Since): boolean {
  return answeredAfter(state, since.at, 'put').some(
    ({ reply, requestId }) =>
      !reply.ok &&
      reply.outcome === 'info' &&
      (state.traces[requestId] ?? []).some((e) => e.type === 'request.forward-expired'),
  );
}

/** The N replicas of `key` on the ring the cluster has now (one data centre). */
export function replicasOf(state: LabState, key: string): readonly NodeId[] {
  const ring = buildRing(
    state.membership.ring.map((id) => ({ id })),
    { virtualNodes: state.settings.virtualNodes },
  );
  return preferenceList(ring, key, state.settings.n).nodes;
}

/** How many of `key`'s replicas are crashed now. */
export function replicasDown(state: LabState, key: string): number {
  return replicasOf(state, key).filter((id) => state.nodes[id]?.status === 'crashed').length;
}

/** `okAfter` from the step's beginning. */
export function okSince(
  state: LabState,
  since: Since,
  op: RequestRecord['op'],
  test?: (reply: KvReply & { ok: true }, key: string) => boolean,
): boolean {
  return okAfter(state, since.at, op, test);
}

/** Nodes whose worker is crashed now. */
export function crashedNodes(state: LabState): NodeId[] {
  return state.order.filter((id) => state.nodes[id]?.status === 'crashed');
}

/** A running node that some other running node's gossip now believes down (or null). */
export function nodeBelievedDown(state: LabState): NodeId | null {
  const matrix = beliefMatrix(state.order, state.snapshots);
  for (const member of state.order)
    for (const [observer, row] of Object.entries(matrix))
      if (observer !== member && row[member] === 'down') return member;
  return null;
}

/** Whether every running node believes every other running node alive. */
export function everyoneBelievedUp(state: LabState): boolean {
  const matrix = beliefMatrix(state.order, state.snapshots);
  const running = state.order.filter((id) => state.nodes[id]?.status === 'up');
  return running.every((observer) =>
    running.every((member) => member === observer || matrix[observer]?.[member] === 'alive'),
  );
}

/** Whether a storage event of `type` (`memtable.flushed`, `compaction.done` …) happened since. */
export function storageEventSince(state: LabState, since: Since, type: string): boolean {
  return state.events.some((e) => e.type === 'storage' && e.at >= since.at && e.event.type === type);
}
