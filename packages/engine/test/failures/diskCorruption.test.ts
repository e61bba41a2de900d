/**
 * Media damage under load (the `corrupt` fault): one bit flipped in a node's largest table. The
 * block's checksum finds it when the block is next read from the file — by a get, a compaction, the
 * node's own scans once its block cache no longer holds it, or the scrubber — and the node's disk is replaced (node/contract.ts, the disk failure rule):
 * erased, restarted empty, its ranges pulled back. Every promised property still holds.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/parseScenario.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import { acknowledgedWritesKept, checkerConfigOf } from '../../src/simulation/checkers/checker.ts';
import { run } from '../jepsen/harness.ts';
import { kvScenario, promisedViolations } from './kvFailureHarness.ts';

const storage = { memtableBytes: 1_024 };

describe('a corrupt table', () => {
  it('is found by a checksum, and its node is wiped and recovers while the cluster serves', () => {
    // The block cache holds what a node wrote, so the damage is found once the node reads the file
    // again: here when it restarts (its start-up scans read every table), n4 after a power loss.
    // Each is killed at once, before a compaction could rewrite the damaged table from the cache.
    const faults = [
      { atMs: 5_000, type: 'corrupt', node: 'n2' },
      { atMs: 5_000, type: 'kill', node: 'n2', mode: 'process' },
      { atMs: 6_000, type: 'restart', node: 'n2' },
      { atMs: 9_000, type: 'corrupt', node: 'n4' },
      { atMs: 9_000, type: 'kill', node: 'n4', mode: 'power' },
      { atMs: 10_000, type: 'restart', node: 'n4' },
    ];
    const file = kvScenario('disk-corruption-strict', faults, { cluster: { quorum: 'strict', storage } });
    const { report, replay } = run(file, 1);
    const log = report.faults.map((f) => f.description);
    expect(
      log.filter((line) => /^corrupt n[24]: one bit flipped at byte \d+ of table \d+\.sst$/.test(line)),
    ).toHaveLength(2);
    for (const node of ['n2', 'n4'])
      expect(
        log.some((line) => line.startsWith(`${node} found its disk damaged (KV_CORRUPTION: table `)),
        replay,
      ).toBe(true);
    expect(promisedViolations(report), replay).toEqual([]);
    // Two damaged disks, as many as W, so no lost write is promised (see the next test); here the
    // second came after the first had been rebuilt, and none was lost.
    expect(
      report.checkers.results.find((r) => r.property === 'P1'),
      replay,
    ).toMatchObject({
      promised: false,
      valid: true,
    });
  });

  it('counts a damaged disk as a lost one: as many as W and no lost write is promised', () => {
    // A sweep with a corrupt fault and the schedule's wipe (seeds 186, 388) lost acknowledged writes
    // whose two copies were on the two disks lost within a few seconds, as two wipes can.
    const config = (faults: Record<string, unknown>[]) =>
      checkerConfigOf(parseScenario(kvScenario('disk-losses', faults)) as Scenario);
    const corrupt = { atMs: 5_000, type: 'corrupt', node: 'n2' };
    const wipe = { atMs: 6_000, type: 'wipe', node: 'n3' };
    expect(config([corrupt]).wipes).toBe(1);
    expect(acknowledgedWritesKept(config([corrupt]))).toBe(true);
    expect(acknowledgedWritesKept(config([corrupt, wipe]))).toBe(false);
  });

  it('is found by the scrubber, with no restart, while its block cache still serves the block', () => {
    // Scrubbing (storage/scrub.ts) re-reads 16 table blocks a second from the files, past the cache.
    // The control: the same run without scrubbing never finds the damage, which stays on n3's disk.
    const faults = [{ atMs: 9_000, type: 'corrupt', node: 'n3' }];
    const found = (scrubIntervalMs: number) => {
      const cluster = { quorum: 'strict', storage: { ...storage, scrubIntervalMs } };
      const { report, replay } = run(kvScenario('disk-corruption-scrub', faults, { cluster }), 1);
      expect(promisedViolations(report), replay).toEqual([]);
      expect(report.faults[0]?.description, replay).toMatch(/^corrupt n3: one bit flipped/);
      expect(report.metrics.storage?.scrubPasses ?? 0, replay).toBeGreaterThan(scrubIntervalMs > 0 ? 10 : -1);
      return report.faults.some((f) =>
        f.description.startsWith('n3 found its disk damaged (KV_CORRUPTION: table '),
      );
    };
    expect(found(1_000)).toBe(true);
    expect(found(0)).toBe(false);
  });

  it('found by a leaver handing its ranges over: it is wiped, rebuilt, asked again, and leaves', () => {
    // No block cache: the hand-over's scan reads the damaged block from the file. Before the
    // nemesis asked a leaver wiped by its own disk failure again, n2 stayed on every ring but the
    // report's, and the checkers judged the wrong replicas (a sweep's seed 104).
    const faults = [
      { atMs: 6_000, type: 'corrupt', node: 'n2' },
      { atMs: 6_000, type: 'decommission', node: 'n2' },
    ];
    const cluster = { quorum: 'strict', storage: { ...storage, blockCacheBytes: 0 }, nodes: 6, n: 3 };
    const file = kvScenario('disk-corruption-leaver', faults, { cluster, workload: { settleMs: 45_000 } });
    const { report, replay } = run(file, 1);
    const log = report.faults.map((f) => f.description);
    expect(log, replay).toContainEqual(
      expect.stringMatching(
        /^n2 found its disk damaged .*; its decommission is asked again once it has rebuilt$/,
      ),
    );
    expect(log, replay).toContain('decommission n2 again');
    expect(Object.keys(report.finalState), replay).not.toContain('n2');
    expect(promisedViolations(report), replay).toEqual([]);
  });

  it('on a node with no table yet is skipped, with a sentence', () => {
    const file = kvScenario('disk-corruption-no-table', [{ atMs: 2_000, type: 'corrupt', node: 'n3' }]);
    const { report } = run(file, 1);
    expect(report.faults[0]?.description).toBe('corrupt n3 skipped: n3 has no table on disk yet');
    expect(report.valid).toBe(true);
  });
});
