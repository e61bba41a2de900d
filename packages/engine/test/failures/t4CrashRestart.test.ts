/**
 * T4, crash, restart, pause and power loss under the set workload (sloppy R=W=2): a process crash
 * and restart, a pause longer than T_fail, and a power loss of *every* node at once (so every
 * replica of the key loses its unsynced bytes right after acknowledging). Acks leave only after the
 * log is durable, so no acknowledged add may be lost on any replica. Prints recovery time, records
 * replayed, and the "down" verdicts the pause caused (false: the node never crashed).
 */

import { describe, expect, it } from 'vitest';
import { checker, seedsFor } from '../jepsen/harness.ts';
import { fiveNodes, missingOnReplicas, ms, runWithEvents, setScenario, table } from './failureHarness.ts';

const cases: [string, Record<string, unknown>[]][] = [
  [
    'kill n1 (process), restart',
    [
      { atMs: 4_000, type: 'kill', node: 'n1', mode: 'process' },
      { atMs: 9_000, type: 'restart', node: 'n1' },
    ],
  ],
  [
    'pause n2 for 6 s',
    [
      { atMs: 4_000, type: 'pause', node: 'n2' },
      { atMs: 10_000, type: 'resume', node: 'n2' },
    ],
  ],
  [
    'power loss of all five',
    [
      ...fiveNodes.map((node) => ({ atMs: 6_000, type: 'kill', node, mode: 'power' })),
      ...fiveNodes.map((node) => ({ atMs: 7_000, type: 'restart', node })),
    ],
  ],
];

describe('T4 crash, restart, pause, power loss (set workload, sloppy R=W=2)', () => {
  const rows: string[][] = [];
  for (const seed of seedsFor([1])) {
    for (const [label, faults] of cases) {
      it(`${label}, seed ${seed}: 0 acked adds lost on any replica`, () => {
        const file = setScenario(`t4-${label.replace(/[^a-z0-9]+/g, '-')}`, faults);
        const { report, events, replay } = runWithEvents(file, seed);
        expect(report.aborted, replay).toBeUndefined();
        const replicas = Object.keys(report.finalState).filter((n) => report.finalState[n]?.set);
        expect(missingOnReplicas(report, 'set', replicas), replay).toEqual({});
        expect(checker(report, 'T2').violations, replay).toEqual([]);
        expect(checker(report, 'P1').violations, replay).toEqual([]);
        const restarts = faults.filter((f) => f.type === 'restart' || f.type === 'resume');
        const restartAt = Math.min(...restarts.map((f) => f.atMs as number));
        const recoveries = events.filter((e) => e.type === 'storage' && e.event.type === 'recovery.done');
        const replayed = recoveries.reduce(
          (sum, e) =>
            sum + (e.type === 'storage' && e.event.type === 'recovery.done' ? e.event.recordsReplayed : 0),
          0,
        );
        // Recovery: from the restart until every other node has the restarted node alive again.
        const alive = events.filter((e) => e.type === 'member.alive' && e.at >= restartAt);
        const recoveredAt = alive.length === 0 ? null : Math.max(...alive.map((e) => e.at)) - restartAt;
        const paused = faults.filter((f) => f.type === 'pause').map((f) => f.node);
        const falseDown = events.filter((e) => e.type === 'member.down' && paused.includes(e.member)).length;
        rows.push([
          label,
          String(seed),
          String(recoveries.length),
          String(replayed),
          ms(recoveredAt),
          String(falseDown),
          String(report.metrics.repair?.hintsReplayed ?? 0),
        ]);
      });
    }
  }
  it('prints the figures', () => {
    const header = [
      'fault',
      'seed',
      'recoveries',
      'records replayed',
      'seen alive after',
      'false downs',
      'hints replayed',
    ];
    console.log(`T4 crash/restart/pause\n${table(header, rows)}`);
    expect(rows.length).toBeGreaterThan(0);
  });
});
