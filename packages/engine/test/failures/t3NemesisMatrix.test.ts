/**
 * T3, the nemesis matrix: the set workload (read–union–write with context, sloppy R=W=2) under every
 * partition shape, a one-way cut and 20% loss with duplication and reordering, from 4 s to 10 s;
 * after the heal and a quiet period every acknowledged element is on every replica of the key (P1
 * on each replica) and the replicas are identical (P3). Prints availability during the fault,
 * latency and messages per operation per fault.
 */

import { describe, expect, it } from 'vitest';
import { checker, run, seedsFor } from '../jepsen/harness.ts';
import { availability, missingOnReplicas, ms, pct, setScenario, table } from './failureHarness.ts';
import { faultAt, healAt, nemeses, slug } from './nemesisMatrix.ts';

describe('T3 nemesis matrix (set workload, sloppy R=W=2)', () => {
  const rows: string[][] = [];
  for (const seed of seedsFor([1])) {
    for (const [label, fault] of nemeses) {
      it(`${label}, seed ${seed}: no acked add lost on any replica, replicas converge`, () => {
        const name = `t3-${slug(label)}-seed${seed}`; // per seed: random halves differ
        const file = setScenario(name, [
          { atMs: faultAt, ...fault(seed) },
          { atMs: healAt, type: 'heal' },
        ]);
        const { report, replay } = run(file, seed);
        const replicas = Object.keys(report.finalState).filter((n) => report.finalState[n]?.set);
        expect(missingOnReplicas(report, 'set', replicas), replay).toEqual({});
        expect(checker(report, 'T2').violations, replay).toEqual([]);
        expect(checker(report, 'P3').violations, replay).toEqual([]);
        expect(report.aborted, replay).toBeUndefined();
        const m = report.metrics;
        rows.push([
          label,
          String(seed),
          pct(availability(report.history, faultAt, healAt)),
          ms(m.latencyMs.add?.p50),
          ms(m.latencyMs.add?.p99),
          (m.messages.sent / Math.max(1, m.operations.total)).toFixed(1),
          String(m.repair?.hintsStored ?? 0),
          ms(m.repair?.convergedAfterMs),
        ]);
      });
    }
  }
  it('prints the matrix', () => {
    const header = [
      'fault',
      'seed',
      'avail. in fault',
      'add p50',
      'add p99',
      'msgs/op',
      'hints',
      'converged after heal',
    ];
    console.log(`T3 nemesis matrix\n${table(header, rows)}`);
    expect(rows.length).toBeGreaterThan(0);
  });
});
