/**
 * Sloppy-quorum variants of the Jepsen set test (TESTING T2 under SPEC 1.6): R=W=1 and R=W=2 with
 * stand-ins and hinted handoff, through the {n1,n2} | {n3,n4,n5} partition for the middle of the
 * run. Both sides keep accepting adds; after the heal, handoff and repair, 0 acknowledged adds lost.
 */

import { describe, expect, it } from 'vitest';
import type { CheckerResult } from '../../src/simulation/checkers/checker.ts';
import { formatJepsenTable } from '../../src/simulation/checkers/jepsenSet.ts';
import { checker, run, seedsFor } from '../jepsen/harness.ts';
import { setScenario } from './failureHarness.ts';

const partition = [
  {
    atMs: 4_000,
    type: 'partition',
    groups: [
      ['n1', 'n2'],
      ['n3', 'n4', 'n5'],
    ],
  },
  { atMs: 12_000, type: 'heal' },
];

describe('Jepsen set test with sloppy quorums', () => {
  const rows: { label: string; result: CheckerResult }[] = [];
  for (const seed of seedsFor([1, 2])) {
    for (const q of [1, 2]) {
      const label = `R=W=${q} sloppy, seed ${seed}`;
      it(`${label}: 0 acknowledged adds lost`, () => {
        const file = setScenario(`sloppy-set-${q}`, partition, { cluster: { r: q, w: q } });
        const { report, replay } = run(file, seed);
        const set = checker(report, 'T2');
        rows.push({ label, result: set });
        expect(report.aborted, replay).toBeUndefined();
        expect(set.counts.acknowledgedLost, replay).toBe(0);
        expect(set.counts.acknowledged, replay).toBeGreaterThan(0);
        expect(checker(report, 'P3').violations, replay).toEqual([]);
      });
    }
  }
  it('prints the Jepsen table', () => {
    console.log(formatJepsenTable(rows));
    expect(rows.length).toBeGreaterThan(0);
  });
});
