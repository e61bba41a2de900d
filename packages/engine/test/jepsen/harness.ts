/**
 * Shared by the Jepsen-style tests: run a scenario (given as the JSON a file would hold) through the
 * real parser and runner, and make every failure reproducible. When an assertion fails, the test's
 * message carries the seed and the one command that replays the run; the scenario itself is written
 * to `reports/replay/<name>.json` (git-ignored) so that the command works as printed.
 *
 * `KVSCOPE_SEEDS=N` runs N seeds per test instead of the default (longer runs, same assertions),
 * counting up from `KVSCOPE_SEED_FROM` when it is set (to sweep seeds an earlier sweep did not run).
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isKvError } from '../../src/errors.ts';
import { parseScenario } from '../../src/scenario/parseScenario.ts';
import type { RunReport } from '../../src/scenario/report.ts';
import { runScenario } from '../../src/scenario/runScenario.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** Seeds a test runs: `defaults`, or `KVSCOPE_SEEDS` of them counting up from `KVSCOPE_SEED_FROM` or the first. */
export function seedsFor(defaults: readonly number[]): number[] {
  const count = Number(process.env.KVSCOPE_SEEDS ?? 0);
  if (!Number.isInteger(count) || count <= defaults.length) return [...defaults];
  const from = Number(process.env.KVSCOPE_SEED_FROM);
  const first = Number.isInteger(from) ? from : (defaults[0] ?? 1);
  return Array.from({ length: count }, (_, i) => first + i);
}

export interface Run {
  report: RunReport;
  /** "seed N — replay: npx kvscope run reports/replay/<name>.json --seed N" */
  replay: string;
}

export function run(file: Record<string, unknown> & { name: string }, seed: number): Run {
  const path = join('reports', 'replay', `${file.name}.json`);
  const absolute = join(repoRoot, path);
  mkdirSync(dirname(absolute), { recursive: true });
  writeFileSync(absolute, `${JSON.stringify(file, null, 2)}\n`);
  const scenario = parseScenario(file);
  if (isKvError(scenario)) throw scenario;
  const report = runScenario(scenario, { seed, scenarioPath: path });
  if (isKvError(report)) throw report;
  return { report, replay: `seed ${seed} — replay: ${report.replay}` };
}

/** A checker's result by property id (P1 … P9, T2). */
export function checker(report: RunReport, property: string) {
  const result = report.checkers.results.find((r) => r.property === property);
  if (result === undefined) throw new Error(`no ${property} result in the report`);
  return result;
}
