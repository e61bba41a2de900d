/**
 * Every scenario shipped in public/scenarios/ parses against the schema, is named after its file,
 * and run with its own seed keeps every promise: each promised checker valid, no aborted run. The
 * three failure scenarios also show what their descriptions promise: hints stored and replayed
 * (kill-under-load), Merkle repair restoring a wiped node (wipe-repair), a data centre down and the
 * store still serving (dc-outage). Prints each run's repair figures.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isKvError } from '../../src/errors.ts';
import { parseScenario } from '../../src/scenario/parseScenario.ts';
import type { RunReport } from '../../src/scenario/report.ts';
import { runScenario } from '../../src/scenario/runScenario.ts';
import { availability, ms, pct, table } from './failureHarness.ts';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'public', 'scenarios');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && f !== 'scenario.schema.json')
  .sort();

/** What each failure scenario's description promises, beyond the checkers. */
const promises: Record<string, (report: RunReport) => void> = {
  'kill-under-load': (report) => {
    const repair = report.metrics.repair!;
    expect(repair.hintsStored).toBeGreaterThan(0);
    expect(repair.hintsReplayed).toBe(repair.hintsStored);
  },
  'wipe-repair': (report) => {
    expect(report.metrics.repair!.storedByAntiEntropy).toBeGreaterThan(0);
    expect(Object.keys(report.finalState.n2 ?? {}).length).toBeGreaterThan(0);
  },
  'dc-outage': (report) => {
    const [out, back] = report.faults.map((f) => f.atMs) as [number, number];
    expect(availability(report.history, out, back)).toBeGreaterThan(0.95);
  },
};

describe('shipped scenarios', () => {
  const rows: string[][] = [];
  for (const file of files) {
    it(`${file} keeps every promise with its seed`, () => {
      const json = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      const scenario = parseScenario(json);
      if (isKvError(scenario)) throw new Error(`${file}: ${scenario.message}`);
      expect(`${scenario.name}.json`).toBe(file);
      const report = runScenario(scenario, { scenarioPath: `public/scenarios/${file}` });
      if (isKvError(report)) throw new Error(`${file}: ${report.message}`);
      const broken = report.checkers.results.filter((r) => r.promised && !r.valid);
      expect(
        broken.map((r) => `${r.property}: ${r.violations[0]?.explanation}`),
        report.replay,
      ).toEqual([]);
      expect(report.aborted, report.replay).toBeUndefined();
      promises[scenario.name]?.(report);
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
