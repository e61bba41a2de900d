/**
 * CPU time of the simulation benchmark's runs, for A/B comparisons of engine changes on a noisy
 * host: `npm run profile:simulation [-- runs]` prints the least CPU time (user + system) of `runs`
 * kv runs (the bench's workload, seed 1) and of half as many Jepsen set runs (seed 42), each
 * parsed and run whole. On a shared machine wall time swings twofold from one minute to the next;
 * the least CPU time of a dozen runs swings far less, so run the old and the new code interleaved,
 * a few times each, and compare those. It is a tool, not a benchmark: it writes no results file.
 */

import { parseScenario } from '../../src/scenario/parseScenario.ts';
import type { RunReport } from '../../src/scenario/report.ts';
import { runScenario } from '../../src/scenario/runScenario.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import { benchKvScenario, benchSetScenario } from './benchScenarios.ts';

function cpuMs(file: object, seed: number): { ms: number; report: RunReport } {
  const before = process.cpuUsage();
  const report = runScenario(parseScenario(file) as Scenario, { seed }) as RunReport;
  const used = process.cpuUsage(before);
  return { ms: (used.user + used.system) / 1_000, report };
}

const runs = Number(process.argv[2] ?? 12);
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`runs must be a positive integer, got ${process.argv[2]}`);
let operations = 0;
let kv = Number.POSITIVE_INFINITY;
for (let i = 0; i < runs; i++) {
  const { ms, report } = cpuMs(benchKvScenario, 1);
  kv = Math.min(kv, ms);
  operations = report.metrics.operations.total;
}
let set = Number.POSITIVE_INFINITY;
for (let i = 0; i < Math.max(1, runs / 2); i++) set = Math.min(set, cpuMs(benchSetScenario, 42).ms);
const perSecond = Math.round((operations * 1_000) / kv);
console.log(
  `kv run: least CPU ${kv.toFixed(0)} ms of ${runs} (${operations} operations, ${perSecond} per CPU-second) · set run: least CPU ${set.toFixed(0)} ms`,
);
