/**
 * The kv variant of T3 as a suite, run by two test files (one per quorum mode, so they run in
 * parallel and each stays short): the kv workload (kvFailureHarness.ts) under every nemesis of the
 * matrix from 4 s to 10 s, then the heal and a quiet period; every checker judges every run. Sloppy
 * R=W=2 promises P1, P2, P3, P7 and P9; strict R=W=2 (R + W > N) promises P4 and P5 as well (both
 * session guarantees: reads write their result back before replying, readRepair.ts). The table
 * shows availability during the fault, siblings seen by reads and held at the end, the final reads
 * of deleted keys P9 judged, stale reads (counted, promised only under strict), replicas written
 * back before a read's reply, hints, the convergence time after the heal ("–": nothing needed
 * repair after it) and the violations; a failing run's seed and replay command follow the table.
 */

import { describe, expect, it } from 'vitest';
import { checker, run } from '../jepsen/harness.ts';
import { table } from './failureHarness.ts';
import {
  deletedKeyReadsJudged,
  kvRow,
  kvRowHeader,
  kvScenario,
  promisedViolations,
} from './kvFailureHarness.ts';
import { faultAt, healAt, nemeses, slug } from './nemesisMatrix.ts';

export function describeKvMatrix(quorum: 'sloppy' | 'strict', seeds: readonly number[]): void {
  describe(`T3 nemesis matrix (kv workload, ${quorum} R=W=2)`, () => {
    const rows: string[][] = [];
    const failures: string[] = [];
    let p9Judged = 0;
    for (const seed of seeds) {
      for (const [label, fault] of nemeses) {
        it(`${label}, seed ${seed}: every promised property holds`, () => {
          const file = kvScenario(
            `t3-kv-${quorum}-${slug(label)}-seed${seed}`, // per seed: random halves differ
            [
              { atMs: faultAt, ...fault(seed) },
              { atMs: healAt, type: 'heal' },
            ],
            { cluster: { quorum } },
          );
          const { report, replay } = run(file, seed);
          const violations = promisedViolations(report);
          rows.push([label, String(seed), ...kvRow(report, { from: faultAt, to: healAt })]);
          if (violations.length > 0) failures.push(`${label}: ${replay}`);
          p9Judged += deletedKeyReadsJudged(report);
          expect(violations, replay).toEqual([]);
          expect(checker(report, 'P3').promised, replay).toBe(true);
          expect(checker(report, 'P4').promised, replay).toBe(quorum === 'strict');
          const sessions = report.checkers.results.filter((r) => r.property === 'P5');
          // Read-your-writes, and monotonic reads (reads write back before replying by default).
          expect(sessions.map((r) => [r.name, r.promised])).toEqual([
            ['read-your-writes', quorum === 'strict'],
            ['monotonic-reads', quorum === 'strict'],
          ]);
          expect(report.valid, replay).toBe(true);
        });
      }
    }
    it('prints the matrix', () => {
      const header = ['fault', 'seed', ...kvRowHeader];
      const failed = failures.length === 0 ? '' : `\nfailed runs:\n${failures.join('\n')}`;
      console.log(`T3 nemesis matrix, kv workload, ${quorum} R=W=2\n${table(header, rows)}${failed}`);
      expect(rows.length).toBeGreaterThan(0);
      // Deletes were in the mix and some deleted key was read at the end: P9 had something to judge.
      expect(p9Judged).toBeGreaterThan(0);
    });
  });
}
