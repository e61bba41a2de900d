import type { ClusterEvent, MessageType, NodeId } from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import { getK17WithRepair, putK17, putTimesOut, sampleEvents } from '../fixtures/sampleData.ts';
import { buildTrace, traceLanes, traceSteps } from './traceModel.ts';

describe('buildTrace', () => {
  it('ranks the answers that counted toward W in answer order, with latency, and marks the late one', () => {
    const trace = buildTrace('c7', sampleEvents, { messages: sampleEvents });
    expect(trace?.coordinator).toBe('n1');
    expect(trace?.replicas.map((r) => [r.node, r.state, r.rank ?? null, r.latencyMs])).toEqual([
      ['n1', 'counted', 1, 1],
      ['n4', 'counted', 2, 801],
      ['n2', 'late', null, 990],
    ]);
    expect(trace?.completion?.outcome).toBe('ok');
  });

  it('pairs the request’s replication messages with their delivery and ignores the others', () => {
    const trace = buildTrace('c7', putK17, { messages: putK17 });
    expect(trace?.messages.map((m) => [m.msg, m.from, m.to, m.sentAt, m.deliveredAt])).toEqual([
      ['replica-put', 'n1', 'n4', 1_000, 1_400],
      ['replica-put', 'n1', 'n2', 1_000, 1_400],
      ['replica-put-ack', 'n4', 'n1', 1_401, 1_801],
      ['replica-put-ack', 'n2', 'n1', 1_402, 1_990],
    ]);
  });

  it('leaves out another request’s messages between the same nodes at the same time, by their op number', () => {
    const n = (id: string) => id as NodeId;
    const sent = (from: string, to: string, id: number, msg: MessageType, at: number, opNumber?: number) =>
      ({
        type: 'message.sent',
        at,
        node: n(from),
        to: n(to),
        id,
        msg,
        deliverAt: at + 400,
        ...(opNumber === undefined ? {} : { opNumber }),
      }) as ClusterEvent;
    const events = [
      ...putK17,
      sent('n1', 'n4', 90, 'replica-get', 1_100, 8), // n1's next request: not c7's
      sent('n4', 'n1', 91, 'replica-put-ack', 1_200, 3), // an answer to an older request of n1's
      sent('n1', 'n2', 92, 'replica-put', 1_300, 7), // numbered with c7: c7's
      sent('n4', 'n2', 93, 'forward', 1_300, 7), // a forward numbered 7 by n4, not c7's coordinator
    ];
    const trace = buildTrace('c7', events, { messages: events });
    expect(trace?.messages.filter((m) => m.id >= 90).map((m) => m.id)).toEqual([92]);
  });

  it('draws a forward and its reply when numbered with the forwarder’s op', () => {
    const at = (t: number) => ({ at: t });
    const events = [
      ...getK17WithRepair,
      {
        type: 'message.sent',
        ...at(3_000),
        node: 'n5',
        to: 'n4',
        id: 1,
        msg: 'forward',
        deliverAt: 3_400,
        opNumber: 2,
      },
      {
        type: 'message.sent',
        ...at(3_001),
        node: 'n5',
        to: 'n4',
        id: 2,
        msg: 'forward',
        deliverAt: 3_401,
        opNumber: 5,
      },
    ] as ClusterEvent[];
    const trace = buildTrace('c9', events, { messages: events });
    expect(trace?.messages.filter((m) => m.msg === 'forward').map((m) => m.id)).toEqual([1]);
  });

  it('shows the forwarding node first, then the read repair sent to the stale replica', () => {
    const trace = buildTrace('c9', getK17WithRepair);
    if (!trace) throw new Error('no trace');
    expect(traceLanes(trace)).toEqual(['n5', 'n4', 'n1', 'n2']);
    expect(trace.replicas.find((r) => r.node === 'n2')).toMatchObject({ state: 'late', repaired: true });
    expect(traceSteps(trace)).toContain('Read repair: n4 sent the newest versions to n2.');
  });

  it('says which replica never answered when the request timed out, and that the outcome is unknown', () => {
    const trace = buildTrace('c12', putTimesOut, { messages: putTimesOut });
    if (!trace) throw new Error('no trace');
    expect(trace.replicas.find((r) => r.node === 'n2')?.state).toBe('no answer');
    expect(trace.messages[0]).toMatchObject({ to: 'n2', dropped: 'crashed' });
    expect(traceSteps(trace)).toContain('Timed out after 2,000 ms with 2 of W=3; the outcome is unknown.');
  });

  it('marks stand-ins holding hints, from the caller or from the event (the handoff seam)', () => {
    const fromProp = buildTrace('c12', putTimesOut, { standIns: { n3: 'n2' } });
    expect(fromProp?.replicas.find((r) => r.node === 'n3')?.standInFor).toBe('n2');
    const withHint = putTimesOut.map((e) =>
      e.type === 'replica.answered' && e.replica === 'n3' ? { ...e, hintFor: 'n2' } : e,
    );
    expect(buildTrace('c12', withHint)?.replicas.find((r) => r.node === 'n3')?.standInFor).toBe('n2');
    expect(
      traceSteps(fromProp as NonNullable<typeof fromProp>).some((s) =>
        s.includes('n3 (standing in for n2, holding a hint)'),
      ),
    ).toBe(true);
  });

  it('shows a read’s write-back before its reply: who held the result, who stored it, then the reply', () => {
    const base = { node: 'n1', requestId: 'r1' };
    const events = [
      {
        ...base,
        type: 'request.started',
        at: 0,
        op: 'get',
        key: 'k',
        replicas: ['n1', 'n2', 'n3'],
        needed: 2,
      },
      { ...base, type: 'replica.answered', at: 8, replica: 'n2', ok: true, late: false },
      { ...base, type: 'write-back.sent', at: 8, key: 'k', replicas: ['n2'], holders: ['n1'], needed: 2 },
      { ...base, type: 'write-back.acked', at: 17, replica: 'n2', ok: true, holders: 2 },
      {
        ...base,
        type: 'request.completed',
        at: 17,
        op: 'get',
        key: 'k',
        outcome: 'ok',
        answeredBy: ['n1', 'n2'],
        needed: 2,
        latencyMs: 17,
      },
    ] as const;
    const trace = buildTrace('r1', events);
    if (!trace) throw new Error('no trace');
    expect(trace.writeBack).toEqual({
      at: 8,
      holders: ['n1'],
      needed: 2,
      writes: [{ node: 'n2', sentAt: 8, answeredAt: 17, ok: true }],
    });
    expect(traceSteps(trace).slice(-3)).toEqual([
      'Write-back before the reply: only n1 held the result; n1 sent it to n2 and replies once 2 replicas hold it, so that every later read meets one.',
      'n2 stored the result durably after 9 ms.',
      'R=2 reached: replied ok after 17 ms.',
    ]);
  });

  it('returns null for a request whose start it has not seen', () => {
    expect(buildTrace('nope', sampleEvents)).toBeNull();
  });
});
