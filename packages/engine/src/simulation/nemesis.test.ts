/**
 * The nemesis's network faults, as the scenario runner applies them: which links are cut after each
 * fault of a schedule (`onCutLinks`). A partition replaces the one before it — two nodes talk
 * exactly when some group of the partition in force holds both, as in the lab, where a saved
 * session replays two partitions in a row (sessionScenario.ts) — while one-way cuts stay until a
 * heal. A node still paused when the run ends counts with the down ones.
 */

import { describe, expect, it } from 'vitest';
import { isKvError } from '../errors.ts';
import type { NodeId } from '../protocol/ids.ts';
import { parseScenario } from '../scenario/parseScenario.ts';
import { runScenario } from '../scenario/runScenario.ts';

/** The links cut after each fault of `faults`, as sorted "from→to" lists. */
function cutsAfterEachFault(faults: object[]): string[][] {
  const scenario = parseScenario({
    name: 'cuts',
    cluster: { nodes: 5 },
    workload: { kind: 'kv', durationMs: 4_000, ratePerSecond: 10, settleMs: 0 },
    faults,
  });
  if (isKvError(scenario)) throw new Error(scenario.sentence);
  const cuts: string[][] = [];
  const report = runScenario(scenario, {
    onCutLinks: (_at, cut: [NodeId, NodeId][]) => cuts.push(cut.map(([a, b]) => `${a}→${b}`).sort()),
  });
  if (isKvError(report)) throw new Error(report.sentence);
  return cuts;
}

/** Every link between `a` and `b`, both ways. */
function between(a: string[], b: string[]): string[] {
  return a.flatMap((x) => b.flatMap((y) => [`${x}→${y}`, `${y}→${x}`]));
}

describe('the nemesis cuts links as the schedule says', () => {
  it('replaces a partition with the next one, keeping one-way cuts, until a heal', () => {
    const cuts = cutsAfterEachFault([
      {
        atMs: 1_000,
        type: 'partition',
        groups: [
          ['n1', 'n2'],
          ['n3', 'n4', 'n5'],
        ],
      },
      { atMs: 1_500, type: 'cut', from: 'n1', to: 'n3' },
      {
        atMs: 2_000,
        type: 'partition',
        groups: [
          ['n1', 'n2', 'n3'],
          ['n4', 'n5'],
        ],
      },
      { atMs: 3_000, type: 'heal' },
    ]);
    expect(cuts[0]).toEqual(between(['n1', 'n2'], ['n3', 'n4', 'n5']).sort());
    // n2 and n3 talk again: the second partition holds both in one group; n1 → n3 stays cut.
    expect(cuts[2]).toEqual([...between(['n1', 'n2', 'n3'], ['n4', 'n5']), 'n1→n3'].sort());
    expect(cuts[3]).toEqual([]);
  });
});

describe('the run ends with a node still paused', () => {
  it('counts it with the down ones: a stalled node cannot converge, so P3 is not promised', () => {
    const scenario = parseScenario({
      name: 'paused-at-end',
      cluster: { nodes: 5 },
      workload: { kind: 'kv', durationMs: 4_000, ratePerSecond: 50, settleMs: 2_000 },
      faults: [{ atMs: 1_000, type: 'pause', node: 'n3' }],
    });
    if (isKvError(scenario)) throw new Error(scenario.sentence);
    const report = runScenario(scenario);
    if (isKvError(report)) throw new Error(report.sentence);
    expect(report.downAtEnd).toEqual(['n3']);
    const p3 = report.checkers.results.find((r) => r.property === 'P3');
    expect(p3?.promised).toBe(false);
    expect(report.valid).toBe(true);
  });
});
