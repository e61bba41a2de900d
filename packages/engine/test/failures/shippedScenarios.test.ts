/**
 * Every scenario shipped in public/scenarios/ parses against the schema, is named after its file,
 * and run with its own seed keeps every promise: each promised checker valid, no aborted run. The
 * three failure scenarios also show what their descriptions promise: hints stored and replayed
 * (kill-under-load), Merkle repair restoring a wiped node (wipe-repair), a data centre cut off and
 * the store still serving from each data centre's own replicas, then catching it up, with every key's
 * replicas spread over both data centres (dc-outage), a join and a decommission finished under load
 * and the old owners cleaning up what they handed over (grow-and-shrink), small memtables flushed
 * and compacted by every node and two nodes recovered from their tables after a power loss
 * (power-loss-lsm), and a table's rotten bit found at a restart and the node's disk replaced and
 * rebuilt (bit-rot, found by the scrubber while the node serves). Prints each run's repair figures.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isKvError } from '../../src/errors.ts';
import type { ClusterEvent } from '../../src/protocol/events.ts';
import { parseScenario } from '../../src/scenario/parseScenario.ts';
import type { RunReport } from '../../src/scenario/report.ts';
import { runScenario } from '../../src/scenario/runScenario.ts';
import { availability, ms, pct, table } from './failureHarness.ts';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'public', 'scenarios');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && f !== 'scenario.schema.json')
  .sort();

/** The event types the promises below look at. */
const kept = new Set(['request.completed', 'version.stored', 'rebalance.finished', 'range.cleaned']);

/** What each failure scenario's description promises, beyond the checkers (`events`: the run's). */
const promises: Record<string, (report: RunReport, events: readonly ClusterEvent[]) => void> = {
  'kill-under-load': (report) => {
    const repair = report.metrics.repair!;
    expect(repair.hintsStored).toBeGreaterThan(0);
    expect(repair.hintsReplayed).toBe(repair.hintsStored);
    // The owner stored what the hints carried (a version.stored with cause 'hint-replay').
    expect(repair.storedByHintReplay).toBeGreaterThan(0);
  },
  'bit-rot': (report, events) => {
    const log = report.faults.map((f) => f.description);
    expect(log).toContainEqual(expect.stringMatching(/^n3 found its disk damaged \(KV_CORRUPTION: table /));
    // Found by the scrubber while n3 ran: no fault but the rot touched n3, and it was found after it.
    expect(log.filter((line) => line.includes('n3')).length).toBe(2);
    expect(report.metrics.storage!.scrubPasses).toBeGreaterThan(0);
    // Strict quorums: the replaced disk is filled again from the other replicas before reads.
    const rebuilt = events.some(
      (e) => e.type === 'rebalance.finished' && e.node === 'n3' && e.kind === 'rebuild',
    );
    expect(rebuilt).toBe(true);
  },
  'power-loss-lsm': (report) => {
    const storage = report.metrics.storage!;
    expect(storage.memtableFlushes).toBeGreaterThan(100);
    expect(storage.compactions).toBeGreaterThan(10);
    expect(storage.recoveries).toBe(2); // n2 and n4 reopened their tables and logs
    expect(storage.errors).toBe(0);
  },
  'grow-and-shrink': (report, events) => {
    const finished = events.flatMap((e) => (e.type === 'rebalance.finished' ? [`${e.node} ${e.kind}`] : []));
    expect(finished).toEqual(['n6 bootstrap', 'n2 decommission']);
    const removed = events.reduce((sum, e) => sum + (e.type === 'range.cleaned' ? e.keysRemoved : 0), 0);
    expect(removed).toBeGreaterThan(0);
    const p3 = report.checkers.results.find((r) => r.property === 'P3');
    expect(p3?.counts).toMatchObject({ keysOutsidePreferenceList: 0, keysDiverged: 0 });
  },
  'wipe-repair': (report) => {
    expect(report.metrics.repair!.storedByAntiEntropy).toBeGreaterThan(0);
    expect(Object.keys(report.finalState.n2 ?? {}).length).toBeGreaterThan(0);
  },
  'dc-outage': (report, events) => {
    const [out, back] = report.faults.map((f) => f.atMs) as [number, number];
    expect(availability(report.history, out, back)).toBeGreaterThan(0.95);
    const dcOf = new Map(report.scenario.cluster.nodes.map((node) => [node.id, node.dataCentre]));
    // During the outage each side's writes are acknowledged by its own data centre's replicas only.
    const writes = events.filter(
      (e) =>
        e.type === 'request.completed' && e.op !== 'get' && e.outcome === 'ok' && e.at > out && e.at < back,
    );
    const crossing = writes.filter(
      (e) => e.type === 'request.completed' && e.answeredBy.some((id) => dcOf.get(id) !== dcOf.get(e.node)),
    );
    expect(writes.filter((e) => dcOf.get(e.node) === 'west').length).toBeGreaterThan(100);
    expect(crossing).toEqual([]);
    // After it, east catches up by repair (hints cannot help: no stand-in crosses a data centre).
    const caughtUp = events.filter(
      (e) =>
        e.type === 'version.stored' &&
        e.at >= back &&
        dcOf.get(e.node) === 'east' &&
        (e.cause === 'anti-entropy' || e.cause === 'read-repair'),
    );
    expect(caughtUp.length).toBeGreaterThan(0);
    expect(report.metrics.repair!.hintsStored).toBe(0);
    expectTwoPerDataCentre(report);
  },
  'dc-join': (report, events) => {
    const finished = events.flatMap((e) => (e.type === 'rebalance.finished' ? [`${e.node} ${e.kind}`] : []));
    expect(finished).toEqual(['e4 bootstrap']);
    // Only east moved: the joiner took its ranges from east nodes, which cleaned up after it.
    const cleaned = events.flatMap((e) => (e.type === 'range.cleaned' && e.keysRemoved > 0 ? [e.node] : []));
    expect(cleaned.length).toBeGreaterThan(0);
    expect(cleaned.every((node) => node.startsWith('e'))).toBe(true);
    expectTwoPerDataCentre(report);
  },
};

/** Every key's replicas are two in west and two in east (P3 has judged that they hold the same). */
function expectTwoPerDataCentre(report: RunReport): void {
  const dcOf = new Map(report.scenario.cluster.nodes.map((node) => [node.id, node.dataCentre]));
  const holders = new Map<string, string[]>();
  for (const [node, keys] of Object.entries(report.finalState))
    for (const key of Object.keys(keys)) holders.set(key, [...(holders.get(key) ?? []), node]);
  expect(holders.size).toBeGreaterThan(20);
  for (const [key, nodes] of holders) {
    const spread = ['west', 'east'].map((dc) => nodes.filter((id) => dcOf.get(id) === dc).length);
    expect(spread, key).toEqual([2, 2]);
  }
}

describe('shipped scenarios', () => {
  const rows: string[][] = [];
  for (const file of files) {
    it(`${file} keeps every promise with its seed`, () => {
      const json = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      const scenario = parseScenario(json);
      if (isKvError(scenario)) throw new Error(`${file}: ${scenario.message}`);
      expect(`${scenario.name}.json`).toBe(file);
      const events: ClusterEvent[] = [];
      const watched = promises[scenario.name] !== undefined;
      const onEvent = (e: ClusterEvent) => {
        if (watched && kept.has(e.type)) events.push(e);
      };
      const report = runScenario(scenario, { scenarioPath: `public/scenarios/${file}`, onEvent });
      if (isKvError(report)) throw new Error(`${file}: ${report.message}`);
      const broken = report.checkers.results.filter((r) => r.promised && !r.valid);
      expect(
        broken.map((r) => `${r.property}: ${r.violations[0]?.explanation}`),
        report.replay,
      ).toEqual([]);
      expect(report.aborted, report.replay).toBeUndefined();
      promises[scenario.name]?.(report, events);
      const repair = report.metrics.repair!;
      const faults = report.faults.map((f) => f.atMs);
      rows.push([
        scenario.name,
        faults.length >= 2 ? pct(availability(report.history, faults[0]!, faults[1]!)) : '–',
        `${repair.hintsStored}/${repair.hintsReplayed}/${repair.hintsDropped}`,
        String(repair.storedByReadRepair),
        String(repair.storedByHintReplay),
        String(repair.storedByAntiEntropy),
        String(repair.antiEntropyBytes),
        ms(repair.convergedAfterMs),
      ]);
    });
  }
  it('prints the repair figures', () => {
    const header = [
      'scenario',
      'avail. in fault',
      'hints st/rep/drop',
      'read repair',
      'hint replay',
      'anti-entropy',
      'AE bytes',
      'converged after last fault',
    ];
    console.log(`Shipped scenarios\n${table(header, rows)}`);
    expect(rows.length).toBe(files.length);
  });
});
