/**
 * The live session as a scenario file (sessionScenario.ts): the file parses as a scenario, carries
 * each fault the learner caused since the cluster started afresh at the time it happened (and none
 * from before, nor from before the current settings), says what it could not carry, and runs in the
 * simulator.
 */

import { isKvError, type NodeId, nodeIds, parseScenario, runScenario } from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import { addMarker, createLabStore, type LabState } from './labStore.ts';
import { sessionScenario } from './sessionScenario.ts';

const [n1, n2, n3, n4, n5] = nodeIds(5) as [NodeId, NodeId, NodeId, NodeId, NodeId];

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
});
