/**
 * The replay of a recorded run (replay.ts): what is on the wire at t is exactly the messages sent at
 * or before t and delivered after it; node states follow the recorded lifecycle (up from the start,
 * a joiner not yet running before it starts); the links a fault cut are drawn cut until a heal;
 * stepping lands on the next send or delivery.
 */

import {
  type ClusterEvent,
  type HistoryOp,
  isKvError,
  type NodeId,
  parseScenario,
  runScenario,
} from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import {
  nextMessageEvent,
  operationsAt,
  ReplayRecorder,
  replayAt,
  replayDataCentres,
  replayOperations,
} from './replay.ts';

const id = (s: string) => s as NodeId;
const sent = (
  at: number,
  from: string,
  to: string,
  deliverAt: number | null,
  msg = 'replica-put',
): ClusterEvent => ({
  type: 'message.sent',
  at,
  node: id(from),
  to: id(to),
  id: at,
  msg,
  deliverAt,
});

function recorded() {
  const recorder = new ReplayRecorder();
  for (const event of [
    sent(1, 'n1', 'n2', 3),
    sent(2, 'n2', 'n1', 2.5, 'replica-put-ack'),
    sent(2, 'n1', 'n3', null), // dropped: never on the wire
    { type: 'node.crashed', at: 4, node: id('n2') } as ClusterEvent,
    sent(5, 'n1', 'n3', 9),
    { type: 'node.started', at: 6, node: id('n4'), recovered: false } as ClusterEvent,
  ])
    recorder.observe(event);
  return recorder.trace();
}

describe('replay', () => {
  it('pairs each invoke with its completion and says what is in progress at t', () => {
    const op = (
      index: number,
      type: HistoryOp['type'],
      process: number,
      time: number,
      key = 'k',
    ): HistoryOp => ({ index, type, process, f: 'put', key, value: 'v', context: null, time }) as HistoryOp;
    const operations = replayOperations([
      op(0, 'invoke', 1, 1),
      op(1, 'invoke', 2, 2, 'j'),
      op(2, 'ok', 1, 3),
      op(3, 'info', 2, 9, 'j'),
      op(4, 'invoke', 1, 10),
    ]);
    expect(operations.map((o) => [o.process, o.invokeAt, o.doneAt, o.outcome])).toEqual([
      [1, 1, 3, 'ok'],
      [2, 2, 9, 'info'],
      [1, 10, null, 'open'],
    ]);
    const at5 = operationsAt(operations, 5);
    expect(at5.running.map((o) => o.key)).toEqual(['j']);
    expect(at5.done.map((o) => o.outcome)).toEqual(['ok']);
    expect(operationsAt(operations, 11).running.map((o) => o.outcome)).toEqual(['open']);
  });

  it('draws the messages on the wire at t, with how far along they are', () => {
    const trace = recorded();
    expect(trace.sentAt).toHaveLength(3);
    const at = (t: number) => replayAt(trace, t).flights.map((f) => `${f.from}>${f.to} ${f.progress}`);
    expect(at(0.5)).toEqual([]);
    expect(at(2)).toEqual(['n1>n2 0.5', 'n2>n1 0']);
    expect(at(3)).toEqual([]);
    expect(at(7)).toEqual(['n1>n3 0.5']);
    expect(replayAt(trace, 2).flights[1]?.msg).toBe('replica-put-ack');
  });

  it('follows each node’s recorded lifecycle; a node that starts later is not running before', () => {
    const trace = recorded();
    const states = (t: number) => Object.fromEntries(replayAt(trace, t).nodes.map((n) => [n.id, n.status]));
    expect(states(3)).toEqual({ n1: 'up', n2: 'up', n3: 'up', n4: 'starting' });
    expect(states(6)).toEqual({ n1: 'up', n2: 'crashed', n3: 'up', n4: 'up' });
  });

  it('lists the nodes in name order, as the live cluster draws them, whatever order they first appear in', () => {
    const recorder = new ReplayRecorder();
    for (const event of [sent(1, 'n2', 'n10', 3), sent(1, 'n3', 'n1', 3), sent(2, 'n4', 'n2', 4)])
      recorder.observe(event);
    expect(replayAt(recorder.trace(), 2).nodes.map((n) => n.id)).toEqual(['n1', 'n2', 'n3', 'n4', 'n10']);
  });

  it('names each node’s data centre when the scenario has two, so the replay draws them in bands', () => {
    const cluster = (dcs: string[]) => ({
      nodes: dcs.map((dc, i) => ({ id: `n${i + 1}`, dataCentre: dc })),
      dataCentres: [...new Set(dcs)],
    });
    expect(replayDataCentres(cluster(['west', 'east', 'west']))).toEqual({
      n1: 'west',
      n2: 'east',
      n3: 'west',
    });
    expect(replayDataCentres(cluster(['dc1', 'dc1']))).toBeNull();
  });

  it('steps to the next message sent or delivered', () => {
    const trace = recorded();
    expect(nextMessageEvent(trace, 0)).toBe(1);
    expect(nextMessageEvent(trace, 2)).toBe(2.5);
    expect(nextMessageEvent(trace, 2.5)).toBe(3);
    expect(nextMessageEvent(trace, 3)).toBe(5);
    expect(nextMessageEvent(trace, 9)).toBeNull();
  });

  it('draws the links a simulated partition cut while it lasts, from the run itself', () => {
    const scenario = parseScenario({
      name: 'cut-replay',
      seed: 3,
      cluster: { nodes: [{ id: 'n1' }, { id: 'n2' }, { id: 'n3' }], n: 3, r: 2, w: 2 },
      workload: { kind: 'kv', clients: 2, ratePerSecond: 20, durationMs: 3_000, settleMs: 1_000, keys: 10 },
      faults: [
        { atMs: 1_000, type: 'partition', groups: [['n1'], ['n2', 'n3']] },
        { atMs: 2_000, type: 'heal' },
      ],
    });
    if (isKvError(scenario)) throw new Error(scenario.sentence);
    const recorder = new ReplayRecorder();
    runScenario(scenario, { onEvent: recorder.observe, onCutLinks: recorder.cutLinks });
    const trace = recorder.trace();
    const cut = (t: number) =>
      replayAt(trace, t)
        .cutLinks.map((l) => `${l.from}>${l.to}`)
        .sort();
    expect(cut(999)).toEqual([]);
    expect(cut(1_500)).toEqual(['n1>n2', 'n1>n3', 'n2>n1', 'n3>n1']);
    expect(cut(2_000)).toEqual([]);
  });
});
