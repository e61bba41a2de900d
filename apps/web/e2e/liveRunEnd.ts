/**
 * How a fault-injecting E2E test ends a live run (nemesis.spec.ts, monkey.spec.ts): every fault
 * healed, every node brought back, every membership change finished, the workload a while longer,
 * then the page's own check (Runs → Check this run) of the recorded history against every replica's
 * contents, with the run's report (and, when it fails or hangs, the page's event log and the nodes'
 * snapshots) saved beside the test's results so that a violation names itself. Then the session,
 * saved as a scenario (Runs → Save as a scenario), must be a valid file whose replay in the
 * simulator holds every promised property too: each run is also a fault schedule for the engine.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { isKvError, parseScenario, runScenario } from '@kvscope/engine';
import { expect, type Page } from '@playwright/test';
import type { LiveRunReport } from '../src/live/liveRunCheck.ts';

/** Event types too many to keep a whole run of: stored versions and anti-entropy's rounds. */
const bulkyEvent = /^(version\.stored|antientropy\.)/;

/**
 * From now on, keeps every event the page folds except the bulky ones (the store keeps only its
 * last 1,500, mostly stored versions), for the diagnostics of a failed or stuck run: the whole
 * history of its membership changes, streams, hints and failures.
 */
export function keepEvents(page: Page): Promise<void> {
  return page.evaluate((pattern) => {
    const bulky = new RegExp(pattern);
    const kept: unknown[] = [];
    (window as unknown as { kvscopeKept: unknown[] }).kvscopeKept = kept;
    window.kvscope.store.subscribe((state, before) => {
      if (state.events === before.events) return;
      const last = before.events[before.events.length - 1];
      for (const event of state.events.slice(state.events.lastIndexOf(last as never) + 1))
        if (!bulky.test(event.type) && kept.length < 50_000) kept.push(event);
    });
  }, bulkyEvent.source);
}

/** Restarts the crashed nodes and resumes the paused ones; true once every node is up. */
export function bringBack(page: Page): Promise<boolean> {
  return page.evaluate(async () => {
    const c = window.kvscope.cluster;
    for (const [id, node] of Object.entries(window.kvscope.store.getState().nodes)) {
      if (node.status === 'crashed') await c.restart(id as never);
      if (node.status === 'paused') c.resume(id as never);
    }
    return Object.values(window.kvscope.store.getState().nodes).every((node) => node.status === 'up');
  });
}

/** No join or decommission under way. */
export const noChange = (page: Page) =>
  page.evaluate(() => {
    const { joining, leaving } = window.kvscope.store.getState().membership;
    return joining.length + leaving.length === 0;
  });

/** The lab would let a membership change start now: no member down or suspected. */
export const allAlive = (page: Page) =>
  page.evaluate(() => window.kvscope.cluster.membership.addProblem() === null);

/** Each node's status, by id. */
export const statuses = (page: Page) =>
  page.evaluate(() =>
    Object.fromEntries(
      Object.entries(window.kvscope.store.getState().nodes).map(([id, n]) => [id, n.status]),
    ),
  );

/**
 * Heals, brings every node back, lets changes finish and the workload run 5 s more, stops it, and
 * checks the run in the page. `reportPath` keeps the run's report; `context` (what struck, how to
 * replay it) goes into every failure's message. Returns the report.
 */
export async function healAndCheck(page: Page, reportPath: string, context: string): Promise<LiveRunReport> {
  // A pause or a restart struck just before shows in the store only once the worker's event is
  // folded (batches leave every 32 ms), so the nodes are brought back until all of them are up —
  // after a wait, or a node paused 5 ms before the heal would look up and stay paused (stream 353).
  await page.evaluate(() => window.kvscope.cluster.healAll());
  await page.waitForTimeout(500);
  try {
    const every = { timeout: 30_000, intervals: [500], message: context };
    await expect.poll(() => bringBack(page), every).toBe(true);
    // A join or a decommission under way finishes once its streams are done.
    await expect.poll(() => noChange(page), { ...every, timeout: 60_000 }).toBe(true);
  } catch (error) {
    await keepDiagnostics(page, reportPath);
    throw error;
  }
  await page.waitForTimeout(5_000);
  await page.evaluate(() => window.kvscope.workload.set({ running: false }));
  await page.waitForTimeout(3_000);
  await page.getByTestId('tab-runs').click();
  await page.getByTestId('live-run-check').click();
  const verdict = page.getByTestId('live-run-valid');
  await expect(verdict).toBeVisible({ timeout: 30_000 });
  const download = page.waitForEvent('download');
  await page.getByTestId('live-run-download').click();
  await (await download).saveAs(reportPath);
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as LiveRunReport;
  if (!report.valid) await keepDiagnostics(page, reportPath);
  const violated = report.checkers.results
    .filter((r) => r.promised && !r.valid)
    .map((r) => `${r.property} ${r.name}: ${JSON.stringify(r.violations.slice(0, 3))}`);
  const why = `${violated.join('\n')}\nreport: ${reportPath}\n${context}`;
  await expect(verdict, why).toContainText('✓ every promised property held', { timeout: 30_000 });
  return report;
}

/**
 * What a failed run came from, beside its report: the page's event log — its ordinary events and
 * its notable ones (faults, kills, restarts, membership verdicts, hints, refusals and ends of
 * membership changes, kept apart in the page) — the lab's membership change in progress, and every
 * running node's snapshot (its hints, streams and membership change).
 */
async function keepDiagnostics(page: Page, reportPath: string): Promise<void> {
  const kept = await page.evaluate(async () => {
    const { cluster, store } = window.kvscope;
    const { events, notable, order, membership } = store.getState();
    const snapshots = await Promise.all(order.map((id) => cluster.snapshot(id)));
    const kept = (window as unknown as { kvscopeKept?: unknown[] }).kvscopeKept ?? null;
    const nodes = Object.fromEntries(order.map((id, i) => [id, snapshots[i]]));
    return { events, notable, membership, kept, snapshots: nodes };
  });
  writeFileSync(reportPath.replace(/\.json$/, '.diagnostics.json'), JSON.stringify(kept, null, 1));
}

/** Saves the session as a scenario file at `path` (Runs → Save as a scenario); returns the file. */
export async function saveSession(page: Page, path: string): Promise<unknown> {
  await page.getByTestId('tab-runs').click();
  const download = page.waitForEvent('download');
  await page.getByTestId('live-run-scenario').click();
  await (await download).saveAs(path);
  return JSON.parse(readFileSync(path, 'utf8'));
}

/**
 * Saves the session as a scenario file at `scenarioPath` and replays it in the simulator (here, in
 * Node): the file must parse, and the replay must hold every promised property. `context` goes
 * into every failure's message, with the command that replays the file.
 */
export async function replaySavedSession(page: Page, scenarioPath: string, context: string): Promise<void> {
  const file = await saveSession(page, scenarioPath);
  const why = `${context}\nsession saved as ${scenarioPath}; replay it: npx kvscope run ${scenarioPath}`;
  const scenario = parseScenario(file);
  if (isKvError(scenario))
    throw new Error(`the saved session is no valid scenario: ${scenario.sentence}\n${why}`);
  const report = runScenario(scenario);
  if (isKvError(report)) throw new Error(`the saved session did not run: ${report.sentence}\n${why}`);
  const violated = report.checkers.results
    .filter((r) => r.promised && !r.valid)
    .map((r) => `${r.property} ${r.name}: ${JSON.stringify(r.violations.slice(0, 3))}`);
  expect(violated, `the replay in the simulator broke a promise\n${why}`).toEqual([]);
}
