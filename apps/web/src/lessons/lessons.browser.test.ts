/**
 * The lessons' own checks: every step's `done` is false on a quiet cluster (nothing happened since
 * the step began), and the quorum and versioning steps turn true only on the evidence they ask for
 * (the killed node must be one of the key's replicas; the get must return siblings); a step's
 * "Apply it for me" makes settings the lab accepts and that the step then counts as done.
 */

import { type KvReply, type NodeId, nodeIds } from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import { createLabStore, type FaultKind, type LabState, type RequestRecord } from '../live/labStore.ts';
import { type ClusterSettings, settingsProblem } from '../live/settings.ts';
import { replicasOf, type Since } from './lessonModel.ts';
import { lessons } from './lessons.ts';

const since: Since = { at: 1_000, marker: -1 };

function quiet(): LabState {
  return createLabStore(nodeIds(5), 0).getState();
}

/** `state` with `id` killed at `at` (a marker and a crashed node). */
function killed(state: LabState, id: NodeId, at: number, kind: FaultKind = 'kill'): LabState {
  const seq = (state.markers.at(-1)?.seq ?? -1) + 1;
  const nodes = {
    ...state.nodes,
    [id]: { ...(state.nodes[id] as LabState['nodes'][string]), status: 'crashed' as const },
  };
  return {
    ...state,
    nodes,
    markers: [...state.markers, { seq, at, kind, label: `${id} killed`, nodes: [id] }],
  };
}

/** `state` with one of the learner's requests answered by `reply`. */
function answered(
  state: LabState,
  op: RequestRecord['op'],
  key: string,
  at: number,
  reply: KvReply,
): LabState {
  const record: RequestRecord = {
    requestId: reply.requestId,
    op,
    key,
    coordinator: 'n1' as NodeId,
    source: 'user',
    startedAt: at,
    finishedAt: at + 5,
    reply,
  };
  return { ...state, requests: [...state.requests, record] };
}

const putOk = (requestId: string): KvReply => ({
  requestId,
  type: 'put',
  ok: true,
  coordinator: 'n1' as NodeId,
  clock: [{ node: 'n1' as NodeId, counter: 1, timestamp: 0 }],
  ackedBy: ['n1' as NodeId, 'n2' as NodeId],
});

const step = (lesson: string, index: number) => {
  const found = lessons.find((l) => l.id === lesson)?.steps[index];
  if (!found?.act) throw new Error(`no act in ${lesson} step ${index}`);
  return found.act;
};

describe('lessons', () => {
  it('are well formed: unique ids, every prediction’s answer one of its options', () => {
    expect(new Set(lessons.map((l) => l.id)).size).toBe(lessons.length);
    expect(lessons).toHaveLength(10);
    for (const lesson of lessons)
      for (const s of lesson.steps)
        if (s.predict) expect(s.predict.answer).toBeLessThan(s.predict.options.length);
  });

  it('see nothing done on a quiet cluster with nothing since the step began', () => {
    const state = quiet();
    const notYet = lessons.flatMap((l) =>
      l.steps.flatMap((s, i) => (s.act?.done(state, since) && !doneAtRest(l.id, i) ? [`${l.id} ${i}`] : [])),
    );
    expect(notYet).toEqual([]);
  });

  it('count a put after a kill only when the killed node is one of that key’s replicas', () => {
    const act = step('quorums', 0);
    const base = quiet();
    const [replica] = replicasOf(base, 'apple');
    const bystander = base.order.find((id) => !replicasOf(base, 'apple').includes(id)) as NodeId;
    expect(
      act.done(answered(killed(base, bystander, 2_000), 'put', 'apple', 2_100, putOk('c1')), since),
    ).toBe(false);
    expect(
      act.done(answered(killed(base, replica as NodeId, 2_000), 'put', 'apple', 2_100, putOk('c1')), since),
    ).toBe(true);
    // A put made before the kill does not count.
    expect(
      act.done(answered(killed(base, replica as NodeId, 2_000), 'put', 'apple', 1_500, putOk('c1')), since),
    ).toBe(false);
  });

  it('ask for two replicas down before the sloppy-quorum put counts', () => {
    const act = step('quorums', 1);
    const base = quiet();
    const [a, b] = replicasOf(base, 'apple') as NodeId[];
    const one = killed(base, a as NodeId, 2_000);
    expect(act.done(answered(one, 'put', 'apple', 2_100, putOk('c1')), since)).toBe(false);
    const two = killed(one, b as NodeId, 2_200);
    expect(act.done(answered(two, 'put', 'apple', 2_300, putOk('c2')), since)).toBe(true);
  });

  it('see a forward to a dead replica only in a put whose forwarder gave up on it', () => {
    const act = step('failure-detection', 0);
    const unknown: KvReply = {
      requestId: 'c7',
      type: 'put',
      coordinator: 'n3' as NodeId,
      ok: false,
      outcome: 'info',
      error: {
        code: 'KV_TIMEOUT',
        message: 'the request was forwarded to n2, which did not answer within 5207 ms',
      },
    };
    const gaveUp = {
      type: 'request.forward-expired',
      at: 7_300,
      node: 'n3' as NodeId,
      requestId: 'c7',
      op: 'put',
      key: 'apple',
      to: 'n2' as NodeId,
      waitedMs: 5_207,
    } as const;
    const put = (at: number, reply: KvReply, traced: boolean): LabState => {
      const state = answered(killed(quiet(), 'n2' as NodeId, 1_500), 'put', 'apple', at, reply);
      return traced ? { ...state, traces: { c7: [gaveUp] } } : state;
    };
    expect(act.done(put(2_000, unknown, true), since)).toBe(true);
    // A timeout of its own (no forward), an ok put, or a put from before the step: not this.
    expect(act.done(put(2_000, unknown, false), since)).toBe(false);
    expect(act.done(put(2_000, putOk('c7'), true), since)).toBe(false);
    expect(act.done(put(500, unknown, true), since)).toBe(false);
  });

  it('see the versioning lesson’s siblings only in a get that returned two versions', () => {
    const act = step('versioning', 0);
    const get = (versions: number): KvReply => ({
      requestId: `g${versions}`,
      type: 'get',
      ok: true,
      coordinator: 'n1' as NodeId,
      siblings: Array.from({ length: versions }, (_, i) => ({
        clock: [{ node: `n${i + 1}` as NodeId, counter: 1, timestamp: 0 }],
        value: new Uint8Array([i]),
        timestamp: i,
      })),
      context: [],
      answeredBy: ['n1' as NodeId, 'n2' as NodeId],
    });
    expect(act.done(answered(quiet(), 'get', 'pear', 2_000, get(1)), since)).toBe(false);
    expect(act.done(answered(quiet(), 'get', 'pear', 2_000, get(2)), since)).toBe(true);
  });

  it('count the clock step’s get only once a clock was set off after the step began', () => {
    const act = step('versioning', 3);
    const get: KvReply = {
      requestId: 'g1',
      type: 'get',
      ok: true,
      coordinator: 'n1' as NodeId,
      siblings: [],
      context: [],
      answeredBy: ['n1' as NodeId, 'n2' as NodeId],
    };
    const skewed = killed(quiet(), 'n1' as NodeId, 2_000, 'skew');
    expect(act.done(answered(skewed, 'get', 'plum', 2_100, get), since)).toBe(true);
    expect(act.done(answered(skewed, 'get', 'plum', 1_500, get), since)).toBe(false);
    expect(act.done(answered(quiet(), 'get', 'plum', 2_100, get), since)).toBe(false);
  });

  it('set up, with "Apply it for me", settings the lab accepts and the step counts as done', () => {
    const setUps = lessons.flatMap((lesson) =>
      lesson.steps.flatMap((step) => (step.act?.settings ? [{ lesson: lesson.id, act: step.act }] : [])),
    );
    expect(setUps.map((s) => s.lesson)).toEqual([
      'one-server',
      'one-server',
      'quorums',
      'quorums',
      'versioning',
      'versioning',
      'data-centres',
      'data-centres',
    ]);
    // From the defaults and from each other's result: the learner may come from any earlier lesson.
    for (const from of [quiet(), ...setUps.map(({ act }) => applied(quiet(), act.settings))])
      for (const { act } of setUps) {
        const next = applied(from, act.settings);
        expect(settingsProblem(next.settings)).toBeNull();
        expect(act.done(next, since)).toBe(true);
      }
  });
});

/** `state` once `settings` (a step's set-up) is applied. */
function applied(state: LabState, settings: ((s: ClusterSettings) => ClusterSettings) | undefined): LabState {
  if (!settings) throw new Error('a step without a set-up');
  return { ...state, settings: settings(state.settings) };
}

/** Steps whose goal is a state the default cluster is already in (restore the defaults, all alive). */
function doneAtRest(lesson: string, index: number): boolean {
  return (
    (lesson === 'one-server' && index === 3) ||
    (lesson === 'quorums' && (index === 2 || index === 4)) ||
    (lesson === 'versioning' && index === 4) ||
    (lesson === 'failure-detection' && index === 2) ||
    (lesson === 'data-centres' && index === 2)
  );
}
