import { afterEach, describe, expect, it } from 'vitest';
import { emptyOutput, type NodeFactory } from '../node/contract.ts';
import { createPingNode } from '../node/pingNode.ts';
import type { ClusterEvent } from '../protocol/events.ts';
import { nodeIds } from '../protocol/ids.ts';
import { livelockWakesMax, Simulation, type SimulationOptions } from './simulation.ts';

const ids = nodeIds(5);
const [n1, n2, n3, n4, n5] = ids as [
  (typeof ids)[0],
  (typeof ids)[0],
  (typeof ids)[0],
  (typeof ids)[0],
  (typeof ids)[0],
];

function pingCluster(seed: number, extra: Partial<SimulationOptions> = {}): Simulation {
  return new Simulation({ seed, nodes: ids, createNode: createPingNode, ...extra });
}

/** A run with every kind of network fault, so the trace exercises every random choice. */
function faultyRun(seed: number): string {
  const sim = pingCluster(seed, { link: { loss: 0.05, duplicate: 0.05, reorder: 0.1 } });
  sim.schedule(3_000, 'partition', () =>
    sim.network.partition(ids, [
      [n1, n2],
      [n3, n4, n5],
    ]),
  );
  sim.schedule(6_000, 'heal', () => sim.network.heal());
  sim.schedule(7_000, 'crash n3', () => sim.crash(n3));
  sim.schedule(9_000, 'restart n3', () => sim.restart(n3));
  sim.schedule(9_500, 'pause n4', () => sim.pause(n4));
  sim.schedule(11_000, 'resume n4', () => sim.resume(n4));
  sim.runUntil(15_000);
  return sim.traceHash();
}

const realDateNow = Date.now;
const realRandom = Math.random;
const realSetTimeout = globalThis.setTimeout;
const realPerformanceNow = performance.now;

afterEach(() => {
  Date.now = realDateNow;
  Math.random = realRandom;
  globalThis.setTimeout = realSetTimeout;
  performance.now = realPerformanceNow;
});

describe('Simulation determinism (T1)', () => {
  it('gives the same trace hash for the same seed and a different one for another seed', () => {
    const a = faultyRun(1);
    expect(faultyRun(1)).toBe(a);
    expect(faultyRun(2)).not.toBe(a);
  });

  it('never reads the real clock, real randomness or real timers', () => {
    const expected = faultyRun(5);
    const forbidden = (name: string) => () => {
      throw new Error(`the simulation called ${name}`);
    };
    Date.now = forbidden('Date.now');
    Math.random = forbidden('Math.random');
    globalThis.setTimeout = forbidden('setTimeout') as unknown as typeof setTimeout;
    performance.now = forbidden('performance.now');
    expect(faultyRun(5)).toBe(expected);
  });
});

describe('Simulation network and node faults', () => {
  it('delivers pings and pongs between every pair', () => {
    const sim = pingCluster(3);
    const delivered = new Set<string>();
    sim.onEvent((e) => {
      if (e.type === 'message.delivered') delivered.add(`${e.from}>${e.node}`);
    });
    sim.runUntil(2_500);
    expect(delivered.size).toBe(5 * 4);
  });

  it('cuts links across a partition in both directions and only those', () => {
    const sim = pingCluster(4);
    sim.network.partition(ids, [
      [n1, n2],
      [n3, n4, n5],
    ]);
    const delivered = new Set<string>();
    sim.onEvent((e) => {
      if (e.type === 'message.delivered') delivered.add(`${e.from}>${e.node}`);
    });
    sim.runUntil(3_000);
    expect(delivered.has('n1>n2')).toBe(true);
    expect(delivered.has('n3>n5')).toBe(true);
    expect(delivered.has('n1>n3')).toBe(false);
    expect(delivered.has('n4>n2')).toBe(false);
  });

  it('honours a one-way cut: the cut direction is silent, the other still flows', () => {
    const sim = pingCluster(5);
    sim.network.cut(n1, n2);
    const events: ClusterEvent[] = [];
    sim.onEvent((e) => events.push(e));
    sim.runUntil(5_000);
    const pingsDelivered = (from: string, to: string) =>
      events.filter(
        (e) => e.type === 'message.delivered' && e.from === from && e.node === to && e.msg === 'ping',
      ).length;
    expect(pingsDelivered('n1', 'n2')).toBe(0);
    expect(pingsDelivered('n2', 'n1')).toBeGreaterThan(0);
    expect(events.some((e) => e.type === 'peer.silent' && e.node === n2 && e.peer === n1)).toBe(true);
  });

  it('drops about the configured fraction of messages on a lossy link', () => {
    const sim = pingCluster(6, { link: { loss: 0.2 } });
    sim.runUntil(60_000);
    const { sent, dropped } = sim.counters;
    expect(dropped / sent).toBeGreaterThan(0.15);
    expect(dropped / sent).toBeLessThan(0.25);
  });

  it('duplicates messages on a duplicating link', () => {
    const sim = pingCluster(7, { link: { duplicate: 0.5 } });
    sim.runUntil(10_000);
    expect(sim.counters.delivered).toBeGreaterThan(sim.counters.sent * 1.3);
  });

  it('a crashed node falls silent for its peers and is heard again after a restart', () => {
    const sim = pingCluster(8);
    const events: ClusterEvent[] = [];
    sim.onEvent((e) => events.push(e));
    sim.runUntil(2_000);
    sim.crash(n3);
    expect(sim.state(n3)).toBe('crashed');
    sim.runUntil(8_000);
    const silentFor = events.filter((e) => e.type === 'peer.silent' && e.peer === n3).map((e) => e.node);
    expect(new Set(silentFor)).toEqual(new Set([n1, n2, n4, n5]));
    expect(events.some((e) => e.type === 'message.dropped' && e.to === n3 && e.reason === 'crashed')).toBe(
      true,
    );
    sim.restart(n3);
    sim.runUntil(11_000);
    const heardAgain = events
      .filter((e) => e.type === 'peer.heard-again' && e.peer === n3)
      .map((e) => e.node);
    expect(new Set(heardAgain)).toEqual(new Set([n1, n2, n4, n5]));
  });

  it('a paused node processes nothing until resumed, then catches up on its inbox', () => {
    const sim = pingCluster(9);
    sim.runUntil(1_500);
    sim.pause(n2);
    const delivered: string[] = [];
    sim.onEvent((e) => {
      if (e.type === 'message.delivered' && e.node === n2) delivered.push(e.from);
    });
    sim.runUntil(5_000);
    expect(delivered).toEqual([]);
    sim.resume(n2);
    expect(delivered.length).toBeGreaterThan(4);
  });

  it('runs a node with a skewed clock', () => {
    const sim = pingCluster(10);
    sim.skew(n1, 5_000);
    sim.runUntil(3_000);
    expect(sim.counters.delivered).toBeGreaterThan(0);
  });

  it('stops a node that asks to be woken at the same instant for ever, naming it', () => {
    // A deadline the node's tick never clears: without the check the run would never end.
    const stuck: NodeFactory = (env) => ({
      id: env.id,
      step: (input) => ({ ...emptyOutput(), wakeAt: Math.max(input.now, 1_000) }),
      sync: () => {},
      snapshot: (at) => ({ id: env.id, kind: 'stuck', at }),
      close: () => {},
    });
    const sim = new Simulation({ seed: 1, nodes: [n1], createNode: stuck });
    expect(() => sim.runUntil(2_000)).toThrow(`n1 asked to be woken at 1000 ms ${livelockWakesMax} times`);
  });
});
