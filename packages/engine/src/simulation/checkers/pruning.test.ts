import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../scenario/parseScenario.ts';
import type { Scenario } from '../../scenario/types.ts';
import { checkerConfigOf } from './checker.ts';
import { clocksMayBePruned } from './pruning.ts';
import { runCheckers } from './runCheckers.ts';
import { Script } from './testing/histories.ts';

/** n1 writes a, n2 overwrites it having read it; the final replica's clock was pruned to one entry. */
function prunedRun(): Script {
  return new Script().put(1, 'k', 'a', { n1: 1 }).put(2, 'k', 'b', { n1: 1, n2: 1 }, { n1: 1 });
}

const config = { n: 3, r: 2, w: 2, quorum: 'strict', conflictMode: 'siblings' } as const;

describe('clocksMayBePruned', () => {
  it('is false while every observed clock is below the threshold, true once one reaches it', () => {
    const final = { n2: { k: [{ value: 'b', clock: { n1: 1, n2: 1 } }] } };
    expect(clocksMayBePruned(prunedRun().ops, final, 3)).toBe(false);
    expect(clocksMayBePruned(prunedRun().ops, final, 2)).toBe(true); // the write's clock has 2
    const read = prunedRun().get(3, 'k', [{ value: 'b', clock: { n1: 1, n2: 1, n3: 1 } }]);
    expect(clocksMayBePruned(read.ops, final, 3)).toBe(true); // a read's sibling has 3
  });
});

describe('runCheckers with pruned clocks', () => {
  // The replica holds b under a clock pruned to {n2:1}: a was superseded, but no clock shows it.
  const final = { n2: { k: [{ value: 'b', clock: { n2: 1 } }] } };

  it('negative control: without the threshold in view, P1 calls the superseded write lost', () => {
    const verdicts = runCheckers(prunedRun().ops, final, { ...config, clockEntriesMax: 10 });
    const p1 = verdicts.results.find((r) => r.property === 'P1');
    expect([p1?.valid, p1?.promised, verdicts.valid]).toEqual([false, true, false]);
  });

  it('measures P1, P2 and P7 without promising them once clocks reach the threshold', () => {
    const verdicts = runCheckers(prunedRun().ops, final, { ...config, clockEntriesMax: 2 });
    const unpromised = verdicts.results.filter((r) => !r.promised).map((r) => r.property);
    expect(unpromised).toEqual(expect.arrayContaining(['P1', 'P2', 'P7']));
    expect(verdicts.results.find((r) => r.property === 'P1')?.counts.clocksPruned).toBe(1);
    expect(verdicts.valid).toBe(true);
  });

  it('takes the threshold from the scenario', () => {
    const file = {
      name: 'pruned',
      cluster: { nodes: 3, clockEntriesMax: 4 },
      workload: { kind: 'kv', clients: 1, keys: 1, ratePerSecond: 1, durationMs: 1_000 },
    };
    expect(checkerConfigOf(parseScenario(file) as Scenario).clockEntriesMax).toBe(4);
  });
});
