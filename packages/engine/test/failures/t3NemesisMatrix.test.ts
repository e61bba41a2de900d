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

const faultAt = 4_000;
const healAt = 10_000;

/** A random split of the five nodes into two halves, chosen by the seed. */
function randomHalves(seed: number): string[][] {
  const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
  let x = seed * 2_654_435_761;
  for (let i = nodes.length - 1; i > 0; i--) {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = x % (i + 1);
    [nodes[i], nodes[j]] = [nodes[j]!, nodes[i]!];
  }
  return [nodes.slice(0, 2), nodes.slice(2)];
}

const faults: [string, (seed: number) => Record<string, unknown>][] = [
  ['random halves', (seed) => ({ type: 'partition', groups: randomHalves(seed) })],
  [
    'majority/minority',
    () => ({
      type: 'partition',
      groups: [
        ['n1', 'n2', 'n3'],
        ['n4', 'n5'],
      ],
    }),
  ],
  [
    'bridge',
    () => ({
      type: 'partition',
      groups: [
        ['n1', 'n2', 'n3'],
        ['n3', 'n4', 'n5'],
      ],
    }),
  ],
  [
    'ring of majorities',
    () => ({
      type: 'partition',
      groups: [
        ['n1', 'n2', 'n3'],
        ['n2', 'n3', 'n4'],
        ['n3', 'n4', 'n5'],
        ['n4', 'n5', 'n1'],
        ['n5', 'n1', 'n2'],
      ],
    }),
  ],
  ['isolate one', () => ({ type: 'partition', groups: [['n1'], ['n2', 'n3', 'n4', 'n5']] })],
  ['one-way cut', () => ({ type: 'cut', from: ['n1', 'n2'], to: ['n3', 'n4', 'n5'] })],
  [
    '20% loss, dup, reorder',
    () => ({
      type: 'loss',
      from: ['n1', 'n2', 'n3', 'n4', 'n5'],
      to: ['n1', 'n2', 'n3', 'n4', 'n5'],
      probability: 0.2,
      duplicate: 0.2,
      reorder: 0.2,
    }),
  ],
];

describe('T3 nemesis matrix (set workload, sloppy R=W=2)', () => {
  const rows: string[][] = [];
  for (const seed of seedsFor([1])) {
    for (const [label, fault] of faults) {
      it(`${label}, seed ${seed}: no acked add lost on any replica, replicas converge`, () => {
        const name = `t3-${label.replace(/[^a-z0-9]+/g, '-')}`;
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
