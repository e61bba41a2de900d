/**
 * The live session as a scenario file (sessionScenario.ts): the file parses as a scenario, carries
 * each fault the learner caused since the cluster started afresh at the time it happened (and none
 * from before, nor from before the current settings), says what it could not carry, and runs in the
 * simulator. Nodes added and removed replay as joins and decommissions, and the network faults made
 * before a node joined reach it as they did in the lab.
 */

import {
  isKvError,
  type NodeId,
  nodeIds,
  parseScenario,
  rangeForwardGraceMs,
  runScenario,
} from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import { addMarker, createLabStore, type LabState } from './labStore.ts';
import { linkEnds, partitionChange, slowLinkChange } from './linkFaults.ts';
import { noFaults } from './network.ts';
import { sessionScenario } from './sessionScenario.ts';

const [n1, n2, n3, n4, n5, n6, n7] = nodeIds(7) as [NodeId, NodeId, NodeId, NodeId, NodeId, NodeId, NodeId];

function session(): LabState {
  let state = createLabStore([n1, n2, n3, n4, n5], 0).getState();
  const mark = (...args: Parameters<typeof addMarker> extends [unknown, ...infer R] ? R : never) => {
    state = { ...state, ...addMarker(state, ...args) };
  };
  mark('kill', 'n2 killed', [n2], 500, [{ type: 'kill', node: n2, mode: 'process' }]); // before the session
  mark('kill', 'n3 killed', [n3], 2_000, [{ type: 'kill', node: n3, mode: 'process' }]);
  mark('restart', 'n3 restarting', [n3], 4_500, [{ type: 'restart', node: n3 }]);
  mark('partition', 'partition', [n1, n2, n3, n4, n5], 6_000, [
    {
      type: 'partition',
      groups: [
        [n1, n2],
        [n3, n4, n5],
      ],
    },
  ]);
  mark('repair', 'repair now', [], 7_000);
  mark('heal', 'heal all', [], 9_000, [{ type: 'heal' }]);
  mark('kill', 'n9 killed', ['n9' as NodeId], 9_500, [{ type: 'kill', node: 'n9', mode: 'process' }]);
  return { ...state, linkDelayMs: 0, workload: { running: true, rate: 20, keys: 10, readFraction: 0.5 } };
}

describe('the live session as a scenario', () => {
  it('parses, with the faults since the session began at their times, and says what it left out', () => {
    const file = sessionScenario(session(), { startedAt: 1_000, now: 12_000 });
    const scenario = parseScenario(file);
    if (isKvError(scenario)) throw new Error(scenario.sentence);
    expect(scenario.faults.map((f) => `${f.atMs} ${f.type}`)).toEqual([
      '1000 kill',
      '3500 restart',
      '5000 partition',
      '8000 heal',
    ]);
    expect(scenario.workload).toMatchObject({ kind: 'kv', ratePerSecond: 20, keys: 10, durationMs: 11_000 });
    expect(scenario.cluster).toMatchObject({ n: 3, r: 2, w: 2, virtualNodes: 8 });
    expect(scenario.description).toContain('"repair now"');
    expect(scenario.description).toContain('faults of nodes no longer in the cluster');
    expect(scenario.description).not.toContain('paused');
    const paused = { ...session(), workload: { running: false, rate: 2, keys: 20, readFraction: 0.5 } };
    expect(sessionScenario(paused, { startedAt: 1_000, now: 12_000 }).description).toContain(
      'the workload was paused',
    );
  });

  it('begins where the current settings were applied: the file runs under them only', () => {
    const state = session();
    const applied = { ...state, ...addMarker(state, 'settings', 'settings: strict quorums', [], 5_000) };
    const scenario = parseScenario(sessionScenario(applied, { startedAt: 1_000, now: 12_000 }));
    if (isKvError(scenario)) throw new Error(scenario.sentence);
    expect(scenario.faults.map((f) => `${f.atMs} ${f.type}`)).toEqual(['1000 partition', '4000 heal']);
    expect(scenario.workload).toMatchObject({ durationMs: 7_000 });
  });

  it('begins with the links as they were when the settings were applied: the workers restart, links stay', () => {
    const state = session();
    const applied = { ...state, ...addMarker(state, 'settings', 'settings: strict quorums', [], 6_500) };
    const scenario = parseScenario(sessionScenario(applied, { startedAt: 1_000, now: 12_000 }));
    if (isKvError(scenario)) throw new Error(scenario.sentence);
    // The partition of 6 s still cuts the links at 6.5 s; the kill and restart before it do not carry.
    expect(scenario.faults.map((f) => `${f.atMs} ${f.type}`)).toEqual(['0 partition', '2500 heal']);
  });

  it('begins with the clocks as they were when the settings were applied, and replays each skew', () => {
    let state = session();
    const mark = (...args: Parameters<typeof addMarker> extends [unknown, ...infer R] ? R : never) => {
      state = { ...state, ...addMarker(state, ...args) };
    };
    mark('skew', "n4's clock set 10 s behind", [n4], 9_600, [{ type: 'skew', node: n4, ms: -10_000 }]);
    mark('settings', 'settings: last write wins', [], 10_000);
    mark('skew', "n5's clock set 2 s ahead", [n5], 10_500, [{ type: 'skew', node: n5, ms: 2_000 }]);
    const scenario = parseScenario(sessionScenario(state, { startedAt: 1_000, now: 12_000 }));
    if (isKvError(scenario)) throw new Error(scenario.sentence);
    expect(scenario.faults).toEqual([
      { atMs: 0, type: 'skew', node: n4, ms: -10_000 },
      { atMs: 500, type: 'skew', node: n5, ms: 2_000 },
    ]);
    // A heal sets the clocks right (skews of 0 after it): a skew before it is not in force after it.
    mark('heal', 'heal all', [], 11_000, [{ type: 'heal' }]);
    mark('skew', "n4's clock set right", [n4], 11_000, [{ type: 'skew', node: n4, ms: 0 }]);
    mark('settings', 'settings: siblings', [], 11_500);
    const later = parseScenario(sessionScenario(state, { startedAt: 1_000, now: 12_000 }));
    if (isKvError(later)) throw new Error(later.sentence);
    expect(later.faults).toEqual([{ atMs: 0, type: 'skew', node: n4, ms: 0 }]);
  });

  it('leaves out what changed nothing: a heal resuming a node resumed already, a restart of a node up', () => {
    let state = session();
    const mark = (...args: Parameters<typeof addMarker> extends [unknown, ...infer R] ? R : never) => {
      state = { ...state, ...addMarker(state, ...args) };
    };
    mark('pause', 'n4 paused', [n4], 8_000, [{ type: 'pause', node: n4 }]);
    // The page still saw n4 paused at the second heal: its worker had not said otherwise yet.
    mark('heal', 'heal all', [], 9_200, [{ type: 'heal' }, { type: 'resume', node: n4 }]);
    mark('heal', 'heal all', [], 9_300, [{ type: 'heal' }, { type: 'resume', node: n4 }]);
    mark('restart', 'n3 restarting', [n3], 9_400, [{ type: 'restart', node: n3 }]);
    const scenario = parseScenario(sessionScenario(state, { startedAt: 1_000, now: 12_000 }));
    if (isKvError(scenario)) throw new Error(scenario.sentence);
    const of = (type: string) => scenario.faults.filter((f) => f.type === type).map((f) => f.atMs);
    expect(of('resume')).toEqual([8_200]);
    expect(of('restart')).toEqual([3_500]);
    expect(of('heal')).toEqual([8_000, 8_200, 8_300]);
  });

  it('runs in the simulator: the same actions, replayed', () => {
    const scenario = parseScenario(sessionScenario(session(), { startedAt: 1_000, now: 12_000 }));
    if (isKvError(scenario)) throw new Error(scenario.sentence);
    const report = runScenario(scenario);
    if (isKvError(report)) throw new Error(report.sentence);
    expect(report.faults.map((f) => f.type)).toEqual(['kill', 'restart', 'partition', 'heal']);
    expect(report.metrics.operations.total).toBeGreaterThan(100);
    expect(report.checkers.results.find((r) => r.property === 'P1')?.violationCount).toBe(0);
  });

  it('keeps two data centres: each node in its own, the replicas per data centre', () => {
    const state = session();
    const settings = {
      ...state.settings,
      dataCentres: 2 as const,
      n: 3,
      replicasPerDc: { west: 2, east: 1 },
      nodeDc: { n1: 'west', n2: 'west', n3: 'west', n4: 'east', n5: 'east' } as const,
    };
    const scenario = parseScenario(
      sessionScenario({ ...state, settings }, { startedAt: 1_000, now: 12_000 }),
    );
    if (isKvError(scenario)) throw new Error(scenario.sentence);
    expect(scenario.cluster.dataCentres).toEqual(['west', 'east']);
    expect(scenario.cluster.replicationPerDc).toEqual({ west: 2, east: 1 });
  });

  it('replays nodes added and removed: a joiner declared joining, a leaver decommissioned', () => {
    const file = sessionScenario(membershipSession(), { startedAt: 1_000, now: 11_000 });
    const scenario = parseScenario(file);
    if (isKvError(scenario)) throw new Error(scenario.sentence);
    // n2 left during the session, n6 joined, and n7 joined until its join was cancelled.
    expect(scenario.cluster.nodes.map((n) => `${n.id}${n.joining ? ' joining' : ''}`)).toEqual([
      'n1',
      'n2',
      'n3',
      'n4',
      'n5',
      'n6 joining',
      'n7 joining',
    ]);
    expect(scenario.faults.map((f) => `${f.atMs} ${f.type}${'node' in f ? ` ${f.node}` : ''}`)).toEqual([
      '500 partition',
      '1000 heal',
      '1500 partition',
      '1800 heal',
      '2000 join n6',
      '2500 slow',
      '5000 decommission n2',
      '5500 pause n2',
      '6000 resume n2',
      '6500 join n7',
      '6700 partition',
      '7000 cancel-join n7',
      '8000 heal',
    ]);
    // A node that joins after a partition is in its group 0, as in the lab: with the others when they
    // are in group 0, alone when no node was.
    const [first, , second, , , slow] = scenario.faults;
    const all = [n1, n2, n3, n4, n5, n6, n7];
    expect(first).toMatchObject({
      groups: [
        [n1, n2, n3, n6, n7],
        [n4, n5],
      ],
    });
    expect(second).toMatchObject({
      groups: [
        [n6, n7],
        [n1, n2],
        [n3, n4, n5],
      ],
    });
    expect(slow).toMatchObject({ from: all, to: all });
    // The partition that set n7 apart puts n2, gone from the lab by then, in group 0.
    expect(scenario.faults[10]).toMatchObject({ groups: [[n1, n3, n4, n5, n6, n2], [n7]] });
    // Quiet long enough after a join for the old owners to delete what they handed over (P3).
    expect(scenario.workload.settleMs).toBeGreaterThan(rangeForwardGraceMs);
    expect(scenario.description).not.toContain('membership');
    expect(scenario.description).not.toContain('cancel');
    expect(scenario.description).not.toContain('no longer in the cluster');
  });

  it('runs the membership changes in the simulator: n6 joins, n2 leaves, n7 is called off, no write is lost', () => {
    const scenario = parseScenario(sessionScenario(membershipSession(), { startedAt: 1_000, now: 11_000 }));
    if (isKvError(scenario)) throw new Error(scenario.sentence);
    const report = runScenario(scenario);
    if (isKvError(report)) throw new Error(report.sentence);
    const changes = report.faults.filter((f) => ['join', 'cancel-join', 'decommission'].includes(f.type));
    expect(changes.map((f) => f.description)).toEqual([
      'join n6: it streams the ranges it gains, then serves',
      'decommission n2: it hands its ranges over, then leaves',
      'join n7: it streams the ranges it gains, then serves',
      'cancel-join n7: it stops for good, and every member is told it is gone',
    ]);
    expect(report.checkers.results.find((r) => r.property === 'P1')?.violationCount).toBe(0);
    expect(report.valid).toBe(true);
  });
});

/**
 * A session with membership changes: a partition before n6 joins (n6 in group 0 with n1–n3), one in
 * which no node is in group 0, a slow network on every link, n2 decommissioned and paused while it
 * hands over, n7 added, set apart by a partition, and its join cancelled.
 */
function membershipSession(): LabState {
  let state = createLabStore([n1, n3, n4, n5, n6], 0).getState();
  const mark = (...args: Parameters<typeof addMarker> extends [unknown, ...infer R] ? R : never) => {
    state = { ...state, ...addMarker(state, ...args) };
  };
  const five = [n1, n2, n3, n4, n5];
  const split = partitionChange(noFaults, { n4: 1, n5: 1 }, five);
  mark(split.kind, split.label, split.nodes, 1_500, split.scenario);
  mark('heal', 'heal all', [], 2_000, [{ type: 'heal' }]);
  const apart = partitionChange(noFaults, { n1: 1, n2: 1, n3: 2, n4: 2, n5: 2 }, five);
  mark(apart.kind, apart.label, apart.nodes, 2_500, apart.scenario);
  mark('heal', 'heal all', [], 2_800, [{ type: 'heal' }]);
  mark('add', 'n6 joining', [n6], 3_000, [{ type: 'join', node: n6 }]);
  const slow = slowLinkChange(noFaults, linkEnds('*', null, [...five, n6]), 100, 0);
  mark(slow.kind, slow.label, slow.nodes, 3_500, slow.scenario);
  mark('add', 'n6 joined', [n6], 4_000);
  mark('remove', 'n2 decommissioning', [n2], 6_000, [{ type: 'decommission', node: n2, force: false }]);
  mark('pause', 'n2 paused', [n2], 6_500, [{ type: 'pause', node: n2 }]);
  mark('resume', 'n2 resumed', [n2], 7_000, [{ type: 'resume', node: n2 }]);
  mark('add', 'n7 joining', [n7], 7_500, [{ type: 'join', node: n7 }]);
  const aside = partitionChange(noFaults, { n7: 1 }, [n1, n3, n4, n5, n6, n7]);
  mark(aside.kind, aside.label, aside.nodes, 7_700, aside.scenario);
  mark('remove', "n7's join cancelled", [n7], 8_000, [{ type: 'cancel-join', node: n7 }]);
  mark('heal', 'heal all', [], 9_000, [{ type: 'heal' }]);
  return { ...state, linkDelayMs: 0, workload: { running: true, rate: 20, keys: 10, readFraction: 0.5 } };
}
