/**
 * The fold of the workers' batches: at full speed a worker counts its messages instead of sending a
 * `message.*` event each, and the page must show the same traffic either way (the cluster's
 * counters, the per-link counts the link rates are drawn from, each node's deliveries); the same
 * holds for the versions ordinary writes store, which are counted at full speed too.
 */
import type { ClusterEvent, NodeId } from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import type { EventBatch } from '../shared/workerApi.ts';
import { applyEvents } from './foldEvents.ts';
import { createLabStore, eventsKeptMax, type LabState, notableKeptMax, setNodeStatus } from './labStore.ts';

const [n1, n2, n3] = ['n1', 'n2', 'n3'] as NodeId[];
const fold = (state: LabState, batches: EventBatch[]): LabState => ({
  ...state,
  ...applyEvents(state, batches),
});
const traffic = (s: LabState) => ({
  counters: s.counters,
  linkCounts: s.linkCounts,
  delivered: Object.values(s.nodes).map((n) => n.delivered),
});

describe('folding message traffic into the lab store', () => {
  it('gives the same counters, link counts and deliveries from counts as from the events they replace', () => {
    const state = createLabStore([n1, n2, n3], 0).getState();
    const sent = (node: NodeId, to: NodeId, id: number): ClusterEvent => ({
      type: 'message.sent',
      at: 1,
      node,
      to,
      id,
      msg: 'replica-put',
      deliverAt: 1,
    });
    const delivered = (node: NodeId, from: NodeId, id: number): ClusterEvent => ({
      type: 'message.delivered',
      at: 2,
      node,
      from,
      id,
      msg: 'replica-put',
    });
    const fromEvents = fold(state, [
      {
        node: n1,
        events: [
          sent(n1, n2, 1),
          sent(n1, n3, 2),
          sent(n1, n2, 3),
          { type: 'message.dropped', at: 1, node: n1, to: n3, id: 4, msg: 'replica-put', reason: 'loss' },
        ],
        dropped: 0,
      },
      { node: n2, events: [delivered(n2, n1, 1), delivered(n2, n1, 3)], dropped: 0 },
      { node: n3, events: [delivered(n3, n1, 2)], dropped: 0 },
    ]);
    const fromCounts = fold(state, [
      {
        node: n1,
        events: [],
        dropped: 0,
        messages: {
          sent: { n2: { 'replica-put': 2 }, n3: { 'replica-put': 1 } },
          delivered: {},
          dropped: { n3: { loss: 1 } },
        },
      },
      {
        node: n2,
        events: [],
        dropped: 0,
        messages: { sent: {}, delivered: { n1: { 'replica-put': 2 } }, dropped: {} },
      },
      {
        node: n3,
        events: [],
        dropped: 0,
        messages: { sent: {}, delivered: { n1: { 'replica-put': 1 } }, dropped: {} },
      },
    ]);
    expect(traffic(fromCounts)).toEqual(traffic(fromEvents));
    expect(traffic(fromCounts)).toEqual({
      counters: { sent: 3, delivered: 3, dropped: 1, eventsDropped: 0 },
      linkCounts: { 'n1->n2': 2, 'n1->n3': 1 },
      delivered: [0, 2, 1],
    });
  });

  it('counts the versions writes stored as the events they replace would, without their log lines', () => {
    const state = createLabStore([n1, n2, n3], 0).getState();
    const stored = (node: NodeId, cause: 'coordinator' | 'replica'): ClusterEvent => ({
      type: 'version.stored',
      at: 1,
      node,
      key: 'fig',
      clock: [{ node: n1, counter: 1, timestamp: 1 }],
      siblings: 1,
      cause,
    });
    const fromEvents = fold(state, [
      { node: n1, events: [stored(n1, 'coordinator'), stored(n1, 'coordinator')], dropped: 0 },
      { node: n2, events: [stored(n2, 'replica')], dropped: 0 },
    ]);
    const fromCounts = fold(state, [
      { node: n1, events: [], dropped: 0, stored: 2 },
      { node: n2, events: [], dropped: 0, stored: 1 },
    ]);
    const storedBy = (s: LabState) => Object.values(s.nodes).map((n) => n.stored);
    expect(storedBy(fromCounts)).toEqual(storedBy(fromEvents));
    expect(storedBy(fromCounts)).toEqual([2, 1, 0]);
    expect(fromEvents.events.filter((e) => e.type === 'version.stored')).toHaveLength(3);
    expect(fromCounts.events).toEqual([]);
  });

  it('keeps a killed node crashed when its last batch, with its start, is folded after the kill', () => {
    const store = createLabStore([n1, n2], 0);
    store.setState((s) => setNodeStatus(s, n1, 'up', 1));
    const started: EventBatch = {
      node: n1,
      events: [{ type: 'node.started', at: 1, node: n1, recovered: false }],
      dropped: 0,
    };
    store.setState((s) => setNodeStatus(s, n1, 'crashed', 2));
    store.setState((s) => applyEvents(s, [started]));
    expect(store.getState().nodes[n1]?.status).toBe('crashed');
    // A restart marks it starting; the new incarnation's start brings it up.
    store.setState((s) => setNodeStatus(s, n1, 'starting', 3));
    store.setState((s) => applyEvents(s, [{ ...started, events: [{ ...started.events[0]!, at: 4 }] }]));
    expect(store.getState().nodes[n1]?.status).toBe('up');
  });

  it('moves a hint whose owner left to the new replica, or off the count when the stand-in stored it', () => {
    const state = createLabStore([n1, n2, n3], 0).getState();
    const hint = (type: 'hint.stored' | 'hint.replayed', hintId: number, owner: NodeId): ClusterEvent =>
      type === 'hint.stored'
        ? { type, at: 1, node: n1, hintId, owner, key: `k${hintId}` }
        : { type, at: 2, node: n1, hintId, owner, key: `k${hintId}`, heldMs: 1 };
    const rerouted = (hintId: number, to: NodeId): ClusterEvent => ({
      type: 'hint.rerouted',
      at: 3,
      node: n1,
      hintId,
      owner: 'n4' as NodeId,
      to,
      key: `k${hintId}`,
    });
    const events = [hint('hint.stored', 1, 'n4' as NodeId), hint('hint.stored', 2, 'n4' as NodeId)];
    const held = fold(state, [{ node: n1, events, dropped: 0 }]);
    expect(held.hints[n1]).toEqual({ n4: 2 });
    const moved = fold(held, [{ node: n1, events: [rerouted(1, n2), rerouted(2, n1)], dropped: 0 }]);
    expect(moved.hints[n1]).toEqual({ n2: 1 }); // one went to n2's count, one into n1's own data
    const replayed = fold(moved, [{ node: n1, events: [hint('hint.replayed', 3, n2)], dropped: 0 }]);
    expect(replayed.hints[n1]).toEqual({});
  });

  it("keeps a wiped node's rebuild in the log through a burst of ordinary events", () => {
    const state = createLabStore([n1, n2, n3], 0).getState();
    const rebuild = { type: 'rebuild.started', at: 1, node: n2, ranges: 4, from: [n1, n3] } as ClusterEvent;
    const burst = Array.from({ length: eventsKeptMax + 10 }, (_, i) => ({
      type: 'storage',
      at: 2 + i,
      node: n2,
      event: { type: 'memtable.flushed' },
    })) as unknown as ClusterEvent[];
    const after = fold(state, [{ node: n2, events: [rebuild, ...burst], dropped: 0 }]);
    expect(after.events).toHaveLength(eventsKeptMax);
    expect([...after.events, ...after.notable].map((e) => e.type)).toContain('rebuild.started');
  });

  it('keeps a kill in the notable buffer through a minute of in-sync anti-entropy, but not the exchanges', () => {
    const state = createLabStore([n1, n2, n3], 0).getState();
    const kill = { type: 'lab.fault', at: 1, node: n3, label: 'n3 killed' } as unknown as ClusterEvent;
    const exchange = (at: number, outcome: string) =>
      ({
        type: 'antientropy.done',
        at,
        node: n1,
        exchange: `x${at}`,
        peer: n2,
        range: { start: 0, end: 1 },
        outcome,
        messages: 2,
        bytes: 48,
        keysRepaired: 0,
        durationMs: 1,
      }) as unknown as ClusterEvent;
    const quiet = Array.from({ length: notableKeptMax + 10 }, (_, i) => exchange(2 + i, 'in-sync'));
    const after = fold(state, [
      { node: n1, events: [kill, ...quiet, exchange(9_999, 'timed-out')], dropped: 0 },
    ]);
    expect(after.notable.map((e) => e.type)).toEqual(['lab.fault', 'antientropy.done']);
  });
});
