/**
 * T1 at the runner level: the same scenario and seed give a byte-identical history and report (wall
 * time aside); another seed gives another run.
 */
import { describe, expect, it } from 'vitest';
import { serializeReport } from '../../src/scenario/report.ts';
import { serializeHistory } from '../../src/simulation/history.ts';
import { run } from './harness.ts';

const scenario = {
  name: 't1-determinism',
  cluster: { nodes: 5, n: 3, r: 2, w: 2 },
  workload: { kind: 'kv', clients: 4, keys: 200, ratePerSecond: 200, durationMs: 4_000, settleMs: 1_000 },
  faults: [
    {
      atMs: 1_000,
      type: 'partition',
      groups: [
        ['n1', 'n2'],
        ['n3', 'n4', 'n5'],
      ],
    },
    { atMs: 1_500, type: 'kill', node: 'n3', mode: 'power' },
    { atMs: 2_500, type: 'restart', node: 'n3' },
    { atMs: 3_000, type: 'heal' },
  ],
};

describe('T1: the runner is deterministic', () => {
  it('gives a byte-identical history and report for the same seed', () => {
    const a = run(scenario, 5);
    const b = run(scenario, 5);
    expect(a.report.history.length, a.replay).toBeGreaterThan(500);
    expect(serializeHistory(b.report.history), a.replay).toBe(serializeHistory(a.report.history));
    expect(serializeReport(b.report, { wall: false }), a.replay).toBe(
      serializeReport(a.report, { wall: false }),
    );
    expect(b.report.traceHash).toBe(a.report.traceHash);
  });

  it('gives a different run for a different seed', () => {
    const a = run(scenario, 5);
    const c = run(scenario, 6);
    expect(c.report.traceHash, c.replay).not.toBe(a.report.traceHash);
    expect(serializeHistory(c.report.history), c.replay).not.toBe(serializeHistory(a.report.history));
  });
});
