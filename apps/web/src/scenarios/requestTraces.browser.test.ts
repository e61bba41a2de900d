/**
 * Tying a simulated run's operations to their requests (requestTraces.ts): an operation gets the
 * request whose `request.completed` names the same coordinator, key, instant and outcome — and
 * none when two requests or two operations share all of those, so no operation is shown another's
 * trace. On a real run nearly every completed operation is tied, and its trace starts and ends.
 */

import { type ClusterEvent, isKvError, type NodeId, parseScenario, runScenario } from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import { type ReplayOperation, ReplayRecorder, replayOperations, requestMessages } from './replay.ts';
import { requestIdsOf, TraceCollector } from './requestTraces.ts';

const completed = (requestId: string, node: string, key: string, at: number): ClusterEvent =>
  ({
    type: 'request.completed',
    at,
    node: node as NodeId,
    requestId,
    op: 'put',
    key,
    outcome: 'ok',
    answeredBy: [],
    needed: 2,
    latencyMs: 1,
  }) as ClusterEvent;
const op = (key: string, doneAt: number | null, node = 'n1'): ReplayOperation => ({
  process: 0,
  f: 'put',
  key,
  invokeAt: 0,
  doneAt,
  outcome: doneAt === null ? 'open' : 'ok',
  node,
});

describe('request traces of a simulated run', () => {
  it('ties an operation to the one request that completed as it did, and never guesses', () => {
    const collector = new TraceCollector();
    for (const e of [
      completed('c0.0', 'n1', 'a', 5),
      completed('c1.0', 'n1', 'b', 5),
      completed('c2.0', 'n1', 'b', 5), // two requests of b ended at n1 at 5 ms: which is which?
      completed('c3.0', 'n2', 'a', 7),
    ])
      collector.observe(e);
    const ids = requestIdsOf(
      [op('a', 5), op('b', 5), op('a', 7, 'n2'), op('a', 9), op('a', null)],
      collector.result(),
      new ReplayRecorder().trace(),
    );
    expect(ids).toEqual(['c0.0', null, 'c3.0', null, null]);
    // Two operations claiming one completion: neither is tied.
    expect(requestIdsOf([op('a', 5), op('a', 5)], collector.result(), new ReplayRecorder().trace())).toEqual([
      null,
      null,
    ]);
  });

  it('ties an operation whose forward went unanswered to the forwarder giving up', () => {
    const collector = new TraceCollector();
    const base = { node: 'n4' as NodeId, requestId: 'c5.0', op: 'put', key: 'a', to: 'n2' as NodeId };
    collector.observe({ type: 'request.forwarded', at: 10, ...base, opNumber: 3 } as ClusterEvent);
    collector.observe({ type: 'request.forward-expired', at: 40, ...base, waitedMs: 30 } as ClusterEvent);
    const unknown = { ...op('a', 40, 'n4'), outcome: 'info' } as ReplayOperation;
    expect(requestIdsOf([unknown], collector.result(), new ReplayRecorder().trace())).toEqual(['c5.0']);
  });

  it('ties nearly every completed operation of a run, whose trace starts and completes', () => {
    const scenario = parseScenario({
      name: 'traced',
      seed: 5,
      cluster: { nodes: 5, n: 3, r: 2, w: 2 },
      workload: { kind: 'kv', clients: 4, ratePerSecond: 50, durationMs: 4_000, settleMs: 1_000, keys: 20 },
    });
    if (isKvError(scenario)) throw new Error(scenario.sentence);
    const recorder = new ReplayRecorder();
    const collector = new TraceCollector();
    const report = runScenario(scenario, {
      onEvent: (e) => {
        recorder.observe(e);
        collector.observe(e);
      },
    });
    if (isKvError(report)) throw new Error(report.sentence);
    const operations = replayOperations(report.history).filter((o) => o.doneAt !== null);
    const ids = requestIdsOf(operations, collector.result(), recorder.trace());
    const tied = ids.filter((id) => id !== null);
    expect(tied.length).toBeGreaterThan(0.9 * operations.length);
    expect(new Set(tied).size).toBe(tied.length);
    const i = ids.findIndex((id) => id !== null);
    const events = collector.result()[ids[i] as string] ?? [];
    expect(events.map((e) => e.type)).toContain('request.started');
    expect(
      events.at(-1)?.type === 'request.completed' || events.some((e) => e.type === 'request.completed'),
    ).toBe(true);
    const started = events.find((e) => e.type === 'request.started');
    const messages = requestMessages(
      recorder.trace(),
      (started?.at ?? 0) - 1,
      (operations[i]?.doneAt ?? 0) + 50,
    );
    expect(messages.some((m) => m.type === 'message.sent' && m.opNumber !== undefined)).toBe(true);
  });
});
