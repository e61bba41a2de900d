/**
 * The trace view's choice of request when nobody picked one (followedRequest.ts): it stays on a
 * workload request until that one has finished and been shown finished for a while, it never
 * jumps to a request whose coordinator has not started it, and yours and the one you picked win.
 */
import type { ClusterEvent, KvReply, NodeId } from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import { createLabStore, type LabState, type RequestRecord } from '../live/labStore.ts';
import { finishedHoldMs, followedRequest, traceLateMs, traceOverdue } from './followedRequest.ts';

const n1 = 'n1' as NodeId;

function record(requestId: string, source: RequestRecord['source'], finishedAt: number | null = null) {
  const reply = finishedAt === null ? null : ({ ok: true, requestId } as unknown as KvReply);
  return {
    requestId,
    op: 'put',
    key: 'k',
    coordinator: n1,
    source,
    startedAt: 0,
    finishedAt,
    reply,
  };
}

function started(requestId: string): ClusterEvent {
  return {
    type: 'request.started',
    at: 0,
    node: n1,
    requestId,
    op: 'put',
    opNumber: 1,
    key: 'k',
    replicas: [n1],
    needed: 1,
  };
}

/** A lab state holding `records`, with the trace of each id in `begun` started. */
function labWith(records: RequestRecord[], begun: string[], picked: string | null = null): LabState {
  const state = createLabStore([n1], 0).getState();
  const traces = Object.fromEntries(
    records.map((r) => [r.requestId, begun.includes(r.requestId) ? [started(r.requestId)] : []]),
  );
  return { ...state, requests: records, traces, selection: { ...state.selection, requestId: picked } };
}

const shown = (state: LabState, followed: string | null, now: number) =>
  followedRequest(state, followed, now)?.requestId ?? null;

describe('the request the trace view follows', () => {
  it('stays on a workload request in flight while newer ones arrive', () => {
    const state = labWith(
      [record('c1', 'workload'), record('c2', 'workload'), record('c3', 'workload')],
      ['c1', 'c2'],
    );
    expect(shown(state, 'c1', 100)).toBe('c1');
  });

  it('keeps a finished request in view for the hold time, then moves to the newest that has begun', () => {
    const state = labWith(
      [record('c1', 'workload', 1_000), record('c2', 'workload'), record('c3', 'workload')],
      ['c1', 'c2'],
    );
    expect(shown(state, 'c1', 1_000 + finishedHoldMs - 1)).toBe('c1');
    expect(shown(state, 'c1', 1_000 + finishedHoldMs)).toBe('c2'); // c3 has not reached its coordinator
  });

  it('moves to a request still in flight rather than one that finished while the last was held', () => {
    const records = [
      record('c1', 'workload', 1_000),
      record('c2', 'workload'),
      record('c3', 'workload', 2_000),
    ];
    expect(shown(labWith(records, ['c1', 'c2', 'c3']), 'c1', 1_000 + finishedHoldMs)).toBe('c2');
  });

  it('starts on the newest request that has begun, and on the newest of all only when none has', () => {
    expect(shown(labWith([record('c1', 'workload'), record('c2', 'workload')], ['c1']), null, 0)).toBe('c1');
    expect(shown(labWith([record('c1', 'workload'), record('c2', 'workload')], []), null, 0)).toBe('c2');
  });

  it('leaves a followed request that is gone from the list', () => {
    expect(shown(labWith([record('c5', 'workload')], ['c5']), 'c1', 0)).toBe('c5');
  });

  it('shows your latest request over the workload, and the one you picked over everything', () => {
    const records = [record('c1', 'workload'), record('u1', 'user', 5), record('c2', 'workload')];
    expect(shown(labWith(records, ['c1', 'u1', 'c2']), 'c1', 1_000_000)).toBe('u1');
    expect(shown(labWith(records, ['c1', 'u1', 'c2'], 'c2'), 'c1', 0)).toBe('c2');
  });

  it('waits for an answered request’s trace for a while, and none for a failed one', () => {
    const answered = record('c1', 'user', 1_000);
    expect(traceOverdue(record('c0', 'user'), 9_000)).toBe(false); // not answered yet
    expect(traceOverdue(answered, 1_000 + traceLateMs)).toBe(false);
    expect(traceOverdue(answered, 1_001 + traceLateMs)).toBe(true);
    const failed = { ...answered, reply: { ok: false, requestId: 'c1' } as unknown as KvReply };
    expect(traceOverdue(failed, 1_000)).toBe(true);
  });
});
