/**
 * Failure detection in the simulator, five key-value nodes (TESTING T12, failure-detection half):
 * how long until every live node marks a crashed node down, and how many suspicions and down
 * verdicts fall on live nodes under pauses and loss, per detector. The table is printed, not
 * asserted (no timing thresholds); what is asserted is sanity: a crashed node ends up down on every
 * live node with every detector, the gossip detector convicts no live node under 20% loss, a one-way
 * cut convicts nobody under gossip but does under the local detector (the negative control), and
 * the same seed gives the same table.
 */
import { describe, expect, it } from 'vitest';
import { createKvNode, type KvNode } from '../node/kvNode.ts';
import type { ClusterEvent } from '../protocol/events.ts';
import { type NodeId, nodeIds } from '../protocol/ids.ts';
import { Simulation } from '../simulation/simulation.ts';

const ids = nodeIds(5);
const victim = ids[2] as NodeId;
const live = ids.filter((id) => id !== victim);
/** The three detectors, phi twice: Hayashibara's normal model (default) and Cassandra's exponential one. */
const detectors = {
  gossip: { detector: 'gossip' },
  local: { detector: 'local' },
  phi: { detector: 'phi' },
  'phi (exponential)': { detector: 'phi', phiDistribution: 'exponential' },
} as const;
type Detector = keyof typeof detectors;
const scenarios = ['crash', 'crash, 20% loss', 'pause 2 s', 'pause 5 s', '20% loss'] as const;
type Scenario = (typeof scenarios)[number];
const seeds = Array.from({ length: 8 }, (_, i) => i + 1);
const FAULT_AT = 10_000;
const END_AT = 60_000;

interface RunResult {
  /** From the crash until the last live node declared it down; null when one never did. */
  detectionMs: number | null;
  /** Suspicions of, and down verdicts on, nodes that never crashed. */
  falseSuspicions: number;
  falseDowns: number;
  traceHash: string;
}

function cluster(detector: Detector, seed: number) {
  const config = { ...detectors[detector] };
  const sim = new Simulation({ seed, nodes: ids, createNode: createKvNode, config });
  const events: ClusterEvent[] = [];
  sim.onEvent((e) => {
    if (e.type.startsWith('member.')) events.push(e);
  });
  return { sim, events };
}

function run(detector: Detector, scenario: Scenario, seed: number): RunResult {
  const { sim, events } = cluster(detector, seed);
  if (scenario.includes('loss')) sim.network.configureAll({ loss: 0.2 });
  const crashes = scenario.startsWith('crash');
  if (crashes) sim.schedule(FAULT_AT, 'crash', () => sim.crash(victim));
  const pauseMs = scenario === 'pause 2 s' ? 2_000 : scenario === 'pause 5 s' ? 5_000 : 0;
  if (pauseMs > 0) {
    sim.schedule(FAULT_AT, 'pause', () => sim.pause(victim));
    sim.schedule(FAULT_AT + pauseMs, 'resume', () => sim.resume(victim));
  }
  sim.runUntil(END_AT);
  const wronged = (e: ClusterEvent) => 'member' in e && !(crashes && e.member === victim);
  const firstDown = live.map(
    (node) =>
      events.find(
        (e) => e.type === 'member.down' && e.node === node && e.member === victim && e.at >= FAULT_AT,
      )?.at,
  );
  const detected = firstDown.every((at) => at !== undefined);
  return {
    detectionMs: crashes && detected ? Math.max(...(firstDown as number[])) - FAULT_AT : null,
    falseSuspicions: events.filter((e) => e.type === 'member.suspected' && wronged(e)).length,
    falseDowns: events.filter((e) => e.type === 'member.down' && wronged(e)).length,
    traceHash: sim.traceHash(),
  };
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
};

describe('failure detection in the simulator (T12)', () => {
  it('prints detection time and false suspicions per detector and scenario, and checks their sanity', () => {
    const rows: Record<string, string | number>[] = [];
    const results = new Map<string, RunResult[]>();
    for (const detector of Object.keys(detectors) as Detector[]) {
      for (const scenario of scenarios) {
        const runs = seeds.map((seed) => run(detector, scenario, seed));
        results.set(`${detector}|${scenario}`, runs);
        const times = runs.map((r) => r.detectionMs).filter((t): t is number => t !== null);
        const crashes = scenario.startsWith('crash');
        rows.push({
          detector,
          scenario,
          'detect p50 ms': crashes ? Math.round(quantile(times, 0.5)) : '–',
          'detect max ms': crashes ? Math.round(Math.max(...times)) : '–',
          'false suspicions': runs.reduce((n, r) => n + r.falseSuspicions, 0),
          'false downs': runs.reduce((n, r) => n + r.falseDowns, 0),
        });
      }
    }
    console.log(
      `T12 failure detection: 5 nodes, ${seeds.length} seeds × ${END_AT / 1000} s each, fault at ${FAULT_AT / 1000} s on ${victim}; counts summed over the seeds`,
    );
    console.table(rows);
    for (const [cell, runs] of results) {
      if (cell.includes('|crash')) {
        expect(
          runs.map((r) => r.detectionMs),
          `${cell}: crashed node down on every live node`,
        ).not.toContain(null);
      }
    }
    const gossipUnderLoss = results.get('gossip|20% loss') ?? [];
    expect(gossipUnderLoss.map((r) => r.falseDowns)).toEqual(seeds.map(() => 0));
  });

  it('gives the same figures and trace for the same seed', () => {
    expect(run('gossip', 'crash, 20% loss', 3)).toEqual(run('gossip', 'crash, 20% loss', 3));
    expect(run('phi', 'pause 5 s', 3)).toEqual(run('phi', 'pause 5 s', 3));
  });

  it('never convicts a member that only one node has lost contact with (gossip), unlike the local detector', () => {
    const [watcher] = live as [NodeId];
    const downs: Record<string, ClusterEvent[]> = {};
    for (const detector of ['gossip', 'local'] as const) {
      const { sim, events } = cluster(detector, 5);
      sim.network.cut(victim, watcher); // the watcher no longer hears the victim; everyone else does
      sim.runUntil(40_000);
      downs[detector] = events.filter((e) => e.type === 'member.down');
    }
    expect(downs.gossip).toEqual([]);
    expect(downs.local?.map((e) => e.type === 'member.down' && [e.node, e.member])).toEqual([
      [watcher, victim],
    ]);
  });

  it('lets a node cut off from everyone suspect the others but convict no one, while they convict it', () => {
    const { sim, events } = cluster('gossip', 2);
    sim.schedule(FAULT_AT, 'isolate', () => sim.network.partition(ids, [[victim], live]));
    sim.runUntil(FAULT_AT + 20_000);
    const byVictim = events.filter((e) => e.node === victim);
    expect(
      byVictim.filter((e) => e.type === 'member.suspected').map((e) => 'member' in e && e.member),
    ).toEqual(expect.arrayContaining(live));
    expect(byVictim.filter((e) => e.type === 'member.down')).toEqual([]);
    for (const node of live) expect((sim.node(node) as KvNode).isAlive(victim)).toBe(false);
  });

  it('lets a node join through a seed: every member admits it, and it learns every member', () => {
    const [seed] = ids as [NodeId];
    const newcomer = ids[4] as NodeId;
    const ring = (members: readonly NodeId[]) => members.map((id) => ({ id }));
    const sim = new Simulation({
      seed: 6,
      nodes: ids,
      createNode: (env) =>
        createKvNode({
          ...env,
          config:
            env.id === newcomer
              ? { members: ring([newcomer]), seeds: [seed] }
              : { members: ring(ids.filter((id) => id !== newcomer)) },
        }),
    });
    const joined: ClusterEvent[] = [];
    sim.onEvent((e) => {
      if (e.type === 'member.joined') joined.push(e);
    });
    sim.runUntil(10_000);
    const admittedBy = joined.filter((e) => 'member' in e && e.member === newcomer).map((e) => e.node);
    expect(admittedBy.sort()).toEqual(ids.filter((id) => id !== newcomer).sort());
    expect(joined.find((e) => e.node === seed)).toMatchObject({ member: newcomer, via: newcomer });
    for (const node of ids) expect((sim.node(node) as KvNode).liveMembers()).toEqual(ids);
  });

  it('brings a restarted node back as alive on every node, through its new generation', () => {
    const { sim, events } = cluster('gossip', 4);
    sim.schedule(FAULT_AT, 'crash', () => sim.crash(victim));
    sim.schedule(FAULT_AT + 15_000, 'restart', () => sim.restart(victim));
    sim.runUntil(FAULT_AT + 14_000);
    for (const node of live) expect((sim.node(node) as KvNode).liveMembers()).not.toContain(victim);
    sim.runUntil(FAULT_AT + 25_000);
    const back = events.filter((e) => e.type === 'member.alive' && e.member === victim && e.was === 'down');
    expect(back.map((e) => e.node).sort()).toEqual([...live].sort());
    for (const node of ids) expect((sim.node(node) as KvNode).liveMembers()).toEqual(ids);
  });
});
