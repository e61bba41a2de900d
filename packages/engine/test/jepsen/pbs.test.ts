/**
 * T6, PBS curves (TESTING.md; Bailis et al. 2012): no faults, N = 3, exponential message delays.
 * For each (R, W): the probability that a read sees the last write, by time since that write
 * completed (t-visibility), and for R = W = 1 the probability of seeing one of the last k writes
 * (k-staleness) beside the model's 1 − (2/3)^k. R + W > N must give exactly 0 stale reads. The
 * tables are printed: they are figures for the notes, not thresholds.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/parseScenario.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import { checkerConfigOf } from '../../src/simulation/checkers/checker.ts';
import { measureStaleness, type PbsReport } from '../../src/simulation/checkers/staleness.ts';
import { run, seedsFor } from './harness.ts';

// Clock pruning is set out of reach: at the default (10 entries) the coordinator's extra actors
// (n1~2, …) overflow clocks under this many concurrent writers, pruning turns causal successors into
// false siblings, and the sibling sets grow until a node throws KV_VALUE_TOO_LARGE (reported to the
// lead; reproduce with `npx kvscope run public/scenarios/partition-minority.json --seed 3`).
const clockEntriesMax = 1_000;

const levels: [number, number][] = [
  [1, 1],
  [1, 2],
  [2, 1],
  [2, 2],
  [1, 3],
  [3, 1],
];

function pbsScenario(r: number, w: number) {
  return {
    name: `t6-pbs-r${r}w${w}`,
    cluster: {
      nodes: 5,
      n: 3,
      r,
      w,
      quorum: 'strict',
      clockEntriesMax,
      latency: { kind: 'exponential', meanMs: 5 },
    },
    workload: {
      kind: 'kv',
      clients: 10,
      keys: 10,
      mix: { get: 0.7, put: 0.3, delete: 0 },
      ratePerSecond: 500,
      durationMs: 3_000,
      settleMs: 1_000,
    },
    faults: [],
  };
}

const figures: { r: number; w: number; pbs: PbsReport; stale: number; reads: number }[] = [];

afterAll(() => {
  if (figures.length === 0) return;
  const bins = figures[0]!.pbs.tVisibility;
  const head = ['R,W', 'reads', 'stale', ...bins.map((b) => `t≥${b.fromMs}ms`)];
  const lines = figures.map((f) => [
    `${f.r},${f.w}`,
    String(f.reads),
    String(f.stale),
    ...f.pbs.tVisibility.map((b) => (b.probability === null ? '–' : b.probability.toFixed(3))),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  console.log(
    `\nT6 P(read sees the last completed write | t since it completed), N=3, delays exp(5 ms)\n${[fmt(head), ...lines.map(fmt)].join('\n')}`,
  );
  const one = figures.find((f) => f.r === 1 && f.w === 1);
  if (one) {
    const ks = one.pbs.kStaleness.map(
      (k) =>
        `k=${k.k}: measured ${k.probability?.toFixed(3)} vs 1−(2/3)^k ${(1 - (2 / 3) ** k.k).toFixed(3)}`,
    );
    console.log(`T6 k-staleness, R=W=1:\n  ${ks.join('\n  ')}`);
  }
});

describe('T6: probabilistically bounded staleness', () => {
  for (const [r, w] of levels) {
    for (const seed of seedsFor([3])) {
      it(`R=${r} W=${w}, seed ${seed}: ${r + w > 3 ? 'exactly 0 stale reads' : 'staleness measured'}`, () => {
        const { report, replay } = run(pbsScenario(r, w), seed);
        const scenario = parseScenario(pbsScenario(r, w)) as Scenario;
        // The workload's reads only: the final R=N reads after the settle time are not part of the curve.
        const during = report.history.filter((op) => op.time <= scenario.workload.durationMs + 100);
        const measured = measureStaleness(during, checkerConfigOf(scenario));
        figures.push({
          r,
          w,
          pbs: measured.pbs,
          stale: measured.counts.staleReads ?? 0,
          reads: measured.counts.reads ?? 0,
        });
        expect(report.aborted, replay).toBeUndefined();
        expect(measured.counts.readsAfterWrites, replay).toBeGreaterThan(500);
        if (r + w > 3) expect(report.metrics.staleReads, replay).toBe(0);
        if (r === 1 && w === 1) {
          expect(measured.counts.staleReads, replay).toBeGreaterThan(0);
          for (const k of measured.pbs.kStaleness)
            expect(k.probability ?? 0, `k=${k.k} — ${replay}`).toBeGreaterThanOrEqual(1 - (2 / 3) ** k.k);
        }
      });
    }
  }
});
