#!/usr/bin/env node
/**
 * `npm test`: every check, one after another (2 cores; browser runs never in parallel):
 *   lint (biome) · type-check (every package, via turbo) · engine and ui unit tests (vitest, Node)
 *   · browser-mode tests (vitest + Chromium) · end-to-end tests (Playwright + Chromium).
 * Each runner writes a JSON report under reports/; the closing line `N passed, N failed` sums them
 * (lint and type-check count as one check each). Exits non-zero when anything failed.
 * `npm test -- unit browser` runs only the named steps.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' };
const chromium = env.CHROMIUM_PATH ?? '/usr/bin/chromium';
rmSync('reports', { recursive: true, force: true });
mkdirSync('reports', { recursive: true });

const readJson = (path) => (existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null);
const vitestCounts = (path) => {
  const r = readJson(path);
  return r ? { passed: r.numPassedTests, failed: r.numFailedTests } : null;
};
const playwrightCounts = (path) => {
  const r = readJson(path);
  return r ? { passed: r.stats.expected + r.stats.flaky, failed: r.stats.unexpected } : null;
};

const steps = [
  { name: 'lint', cmd: ['npx', 'biome', 'check', '.'] },
  // Two packages at once: one tsc per core (the web app's six configs take as long as the other two
  // packages together; each tsc stays under 0.5 GB).
  {
    name: 'typecheck',
    cmd: ['npx', 'turbo', 'run', 'typecheck', '--concurrency=2', '--output-logs=errors-only'],
  },
  {
    name: 'unit',
    cmd: [
      'npx',
      'vitest',
      'run',
      '--project',
      'engine',
      '--project',
      'ui',
      // vitest's default is one worker fewer than the cores: on two cores, one test file at a time
      // and a core idle (224 s against 161 s for the unit tests with both cores busy).
      `--maxWorkers=${availableParallelism()}`,
      '--reporter=default',
      '--reporter=json',
      '--outputFile.json=reports/vitest-unit.json',
    ],
    counts: () => vitestCounts('reports/vitest-unit.json'),
  },
  {
    name: 'browser',
    browser: true,
    cmd: [
      'npx',
      'vitest',
      'run',
      '--project',
      'browser',
      '--reporter=default',
      '--reporter=json',
      '--outputFile.json=reports/vitest-browser.json',
    ],
    counts: () => vitestCounts('reports/vitest-browser.json'),
  },
  {
    name: 'e2e',
    browser: true,
    cmd: ['npx', 'playwright', 'test'],
    counts: () => playwrightCounts('reports/playwright.json'),
  },
];

const only = process.argv.slice(2);
let passed = 0;
let failed = 0;
for (const step of steps.filter((s) => only.length === 0 || only.includes(s.name))) {
  if (step.browser && !existsSync(chromium)) {
    console.error(
      `\n✗ ${step.name}: no Chromium at ${chromium}. Install one (Debian: apt-get install -y chromium) or set CHROMIUM_PATH.`,
    );
    failed++;
    continue;
  }
  console.log(`\n── ${step.name}: ${step.cmd.join(' ')}`);
  const started = Date.now();
  const run = spawnSync(step.cmd[0], step.cmd.slice(1), { stdio: 'inherit', env });
  const counts = step.counts?.() ?? (run.status === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 });
  // A runner that crashed before writing its report still counts as a failure.
  if (run.status !== 0 && counts.failed === 0) counts.failed = 1;
  passed += counts.passed;
  failed += counts.failed;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`── ${step.name}: ${counts.passed} passed, ${counts.failed} failed (${seconds} s)`);
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
