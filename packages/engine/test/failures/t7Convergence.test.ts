/**
 * T7, convergence (P3): one replica of the set key is cut off while the workload runs, so stand-ins
 * take hinted writes for it; just before the heal every stand-in's disk is wiped (its hints die with
 * it, never delivered), so only Merkle anti-entropy (and read repair) can bring the cut-off replica
 * back. After the heal and a quiet period of a few anti-entropy intervals: replicas identical, hint
 * queues drained, no key outside its preference list, no acked add lost. Prints keys repaired by
 * read repair / hints / anti-entropy, anti-entropy bytes per repaired key and the convergence time.
 */

import { describe, expect, it } from 'vitest';
import { isKvError } from '../../src/errors.ts';
import { nodeId } from '../../src/protocol/ids.ts';
import { preferenceList } from '../../src/ring/preferenceList.ts';
import { buildRing } from '../../src/ring/ring.ts';
import { parseScenario } from '../../src/scenario/parseScenario.ts';
import { checker, seedsFor } from '../jepsen/harness.ts';
import { fiveNodes, missingOnReplicas, ms, runWithEvents, setScenario, table } from './failureHarness.ts';

const cutAt = 3_000;
const wipeAt = 15_000;
const healAt = 16_000;

function scenarioFor(away: string, standIns: string[]) {
  return setScenario(
    't7-convergence',
    [
      { atMs: cutAt, type: 'partition', groups: [[away], fiveNodes.filter((n) => n !== away)] },
      ...standIns.map((node) => ({ atMs: wipeAt, type: 'wipe', node })),
      { atMs: healAt, type: 'heal' },
    ],
    { workload: { elements: 200 } },
  ); // the adds end by ~10 s: nothing but repair touches the key after the heal
}

/** The set key's replicas under the scenario's ring. */
function replicasOfSetKey(): string[] {
  const parsed = parseScenario(scenarioFor('n1', []));
  if (isKvError(parsed)) throw parsed;
  const members = parsed.cluster.nodes.map((node) => ({ ...node, id: nodeId(node.id) }));
  const ring = buildRing(members, { virtualNodes: parsed.cluster.virtualNodes });
  return [...preferenceList(ring, 'set', parsed.cluster.n).nodes];
}

describe('T7 convergence after hint holders are wiped', () => {
  const rows: string[][] = [];
  const replicas = replicasOfSetKey();
  const away = replicas[2] as string;
  const standIns = fiveNodes.filter((n) => !replicas.includes(n));
  for (const seed of seedsFor([1, 2])) {
    it(`replicas identical, hints drained, nothing outside the preference list (seed ${seed})`, () => {
      const { report, events, replay } = runWithEvents(scenarioFor(away, standIns), seed);
      expect(report.aborted, replay).toBeUndefined();
      expect(checker(report, 'P3').violations, replay).toEqual([]);
      expect(checker(report, 'P3').promised, replay).toBe(true);
      expect(missingOnReplicas(report, 'set', replicas), replay).toEqual({});
      const repair = report.metrics.repair!;
      // The setup did what it claims: hints were taken and lost with the wiped stand-ins.
      expect(repair.hintsStored, replay).toBeGreaterThan(0);
      const aeStored = events.filter((e) => e.type === 'version.stored' && e.cause === 'anti-entropy');
      const byAe = aeStored.filter((e) => e.node === away && e.at >= healAt).length;
      expect(byAe, `${replay}: Merkle repair never reached ${away}`).toBeGreaterThan(0);
      rows.push([
        String(seed),
        String(repair.hintsStored),
        String(repair.hintsReplayed),
        String(repair.storedByReadRepair),
        String(repair.storedByHintReplay),
        String(repair.storedByAntiEntropy),
        String(byAe),
        String(repair.antiEntropyKeysRepaired),
        repair.antiEntropyKeysRepaired === 0
          ? '–'
          : String(Math.round(repair.antiEntropyBytes / repair.antiEntropyKeysRepaired)),
        String(repair.antiEntropyBytes),
        ms(repair.convergedAfterMs),
      ]);
    });
  }
  it('prints the figures', () => {
    const header = [
      'seed',
      'hints stored',
      'replayed',
      'by read repair',
      'by hints',
      'by anti-entropy',
      `AE on ${away} after heal`,
      'AE keys',
      'AE bytes/repaired key (all exchanges)',
      'AE bytes',
      'converged after heal',
    ];
    console.log(
      `T7 convergence (replica ${away} cut off; stand-ins ${standIns.join(',')} wiped)\n${table(header, rows)}`,
    );
    expect(rows.length).toBeGreaterThan(0);
  });
});
