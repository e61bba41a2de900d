/**
 * Jepsen-style random faults on the live cluster (T3/T4 in the browser): the workload runs fast
 * while a seeded schedule kills, restarts, pauses, partitions, slows, drops, wipes and sets clocks
 * off by up to 5 s either way (as the simulator's random faults do) — and, in the third setting,
 * adds and removes nodes, which the faults then strike mid-change; then every fault
 * is healed, every change finished, and the page's own check (Runs → Check this run) judges the
 * recorded history against every replica's contents, as `kvscope run` judges a simulated one; the
 * session, saved as a scenario, must replay in the simulator with every promise held.
 *
 * The live cluster is not deterministic — real workers, real OPFS, real timers — so a seed fixes
 * the schedule of faults, not the run: a failure prints the schedule that struck.
 * `KVSCOPE_NEMESIS_SEEDS=N` runs N schedules per setting (from `KVSCOPE_NEMESIS_SEED_FROM`), and
 * `KVSCOPE_NEMESIS_SECONDS` sets how long the faults go on (default 20); `KVSCOPE_NEMESIS_TRACE=1`
 * prints each fault as it strikes (a schedule that hangs shows where).
 */
import { Rng } from '@kvscope/engine';
import { expect, type Page, test } from '@playwright/test';
import { fiveNodes, open, waitUp, watchConsole } from './labPage.ts';
import {
  allAlive,
  bringBack,
  healAndCheck,
  keepEvents,
  noChange,
  replaySavedSession,
  statuses,
} from './liveRunEnd.ts';

const seconds = Number(process.env.KVSCOPE_NEMESIS_SECONDS ?? 20);
const seedCount = Number(process.env.KVSCOPE_NEMESIS_SEEDS ?? 1);
const seedFrom = Number(process.env.KVSCOPE_NEMESIS_SEED_FROM ?? 1);
const seeds = Array.from({ length: seedCount }, (_, i) => seedFrom + i);

const settingsUnderTest = [
  { label: 'sloppy quorums', patch: {} as Record<string, unknown>, membership: false },
  // Strict quorums promise fresh reads too; a 4 KiB memtable makes the nodes write and merge tables
  // among the kills, so recovery reads tables as well as the commit log.
  {
    label: 'strict quorums, 4 KiB memtable',
    patch: { quorum: 'strict', memtableBytes: 4_096 } as Record<string, unknown>,
    membership: false,
  },
  // Joins and decommissions among the faults: range fences, streams and ring catch-up, live.
  { label: 'strict quorums, joins and decommissions', patch: { quorum: 'strict' }, membership: true },
];

type Fault =
  | { kind: 'kill' | 'restart' | 'pause' | 'resume' | 'wipe' | 'leave'; node: string }
  | { kind: 'join' }
  | { kind: 'partition'; groups: Record<string, number> }
  | { kind: 'slow' | 'lossy'; from: string; to: string }
  | { kind: 'skew'; node: string; ms: number }
  | { kind: 'heal' };

/** One of `xs`, drawn from the schedule's stream. */
const pick = <T>(r: Rng, xs: T[]): T => xs[r.int(xs.length)] as T;

/** The next fault, given the nodes' states now: at least three nodes stay up, one wipe at most. */
function drawFault(r: Rng, status: Record<string, string>, wiped: boolean): Fault {
  const ids = Object.keys(status).sort();
  const up = ids.filter((id) => status[id] === 'up');
  const crashed = ids.filter((id) => status[id] === 'crashed');
  const paused = ids.filter((id) => status[id] === 'paused');
  const x = r.float();
  if (x < 0.18 && up.length > 3) return { kind: 'kill', node: pick(r, up) };
  if (x < 0.32 && crashed.length > 0) return { kind: 'restart', node: pick(r, crashed) };
  if (x < 0.4 && up.length > 3) return { kind: 'pause', node: pick(r, up) };
  if (x < 0.48 && paused.length > 0) return { kind: 'resume', node: pick(r, paused) };
  if (x < 0.6)
    return { kind: 'partition', groups: Object.fromEntries(ids.map((id) => [id, r.float() < 0.5 ? 0 : 1])) };
  const [from, to] = [pick(r, ids), pick(r, ids)];
  if (x < 0.72 || from === to) return { kind: 'heal' };
  if (x < 0.8) return { kind: 'lossy', from, to };
  if (x < 0.86) return { kind: 'slow', from, to };
  if (x < 0.9 && !wiped && up.length > 3) return { kind: 'wipe', node: pick(r, up) };
  if (x < 0.95) return { kind: 'skew', node: from, ms: r.int(10_001) - 5_000 };
  return { kind: 'heal' };
}

/**
 * A membership change needs every member up and no other change under way (the lab refuses it
 * otherwise): every fault is healed and every node brought back first, then the join, or the
 * decommission of a node drawn from the schedule's stream.
 */
async function changeWithAllUp(page: Page, r: Rng, kind: 'join' | 'leave'): Promise<Fault> {
  await page.evaluate(() => window.kvscope.cluster.healAll());
  await expect.poll(() => bringBack(page), { timeout: 30_000, intervals: [300] }).toBe(true);
  await expect.poll(() => noChange(page), { timeout: 30_000, intervals: [300] }).toBe(true);
  await expect.poll(() => allAlive(page), { timeout: 30_000, intervals: [300] }).toBe(true);
  if (kind === 'join') return { kind };
  return { kind, node: pick(r, Object.keys(await statuses(page)).sort()) };
}

/** Strikes `fault`; a membership change the lab refuses returns its sentence (else null). */
function strike(page: Page, fault: Fault): Promise<string | null> {
  return page.evaluate(async (fault) => {
    const c = window.kvscope.cluster;
    if (fault.kind === 'join') return c.membership.add('nemesis');
    if (fault.kind === 'leave') return c.membership.remove(fault.node as never, 'nemesis');
    if (fault.kind === 'kill') c.kill(fault.node as never);
    else if (fault.kind === 'restart') await c.restart(fault.node as never);
    else if (fault.kind === 'pause') c.pause(fault.node as never);
    else if (fault.kind === 'resume') c.resume(fault.node as never);
    else if (fault.kind === 'wipe') await c.wipe(fault.node as never);
    else if (fault.kind === 'partition') await c.partition(fault.groups);
    else if (fault.kind === 'lossy') await c.lossyLink(fault.from as never, fault.to as never, 0.3);
    else if (fault.kind === 'slow') await c.slowLink(fault.from as never, fault.to as never, 50);
    else if (fault.kind === 'skew') c.setClockSkew(fault.node as never, fault.ms);
    else await c.healAll();
    return null;
  }, fault);
}

for (const { label, patch, membership } of settingsUnderTest)
  for (const seed of seeds)
    test(`random faults on the live cluster, ${label}, schedule ${seed}: every promised property holds`, async ({
      page,
    }) => {
      test.setTimeout(120_000 + seconds * 3_000);
      const problems = watchConsole(page);
      // With membership, links of 10 ms stretch a change's streams over the quick faults after it.
      await open(page, membership ? '?delay=10' : '?delay=0');
      await keepEvents(page);
      if (Object.keys(patch).length > 0) {
        const refused = await page.evaluate(
          (patch) =>
            window.kvscope.cluster.applySettings({ ...window.kvscope.store.getState().settings, ...patch }),
          patch,
        );
        expect(refused).toBeNull();
        await waitUp(page, fiveNodes);
      }
      await page.evaluate(() => {
        window.kvscope.workload.set({ running: true, rate: 150, keys: 40, readFraction: 0.5 });
        window.kvscope.workload.start();
      });
      const r = new Rng(seed).fork('nemesis');
      const struck: string[] = [];
      // With membership: a join a quarter of the way in and a decommission past half way.
      const changes = [
        { at: 0.25, kind: 'join' as const, done: false },
        { at: 0.55, kind: 'leave' as const, done: false },
      ];
      const started = Date.now();
      let quick = 0; // faults still to strike in quick succession, so that they land mid-change
      while (Date.now() - started < seconds * 1_000) {
        await page.waitForTimeout(quick-- > 0 ? 50 + r.float() * 300 : 700 + r.float() * 1_600);
        const elapsed = (Date.now() - started) / (seconds * 1_000);
        const change = membership ? changes.find((c) => !c.done && elapsed >= c.at) : undefined;
        if (change) {
          change.done = true;
          quick = 3;
        }
        const fault = change
          ? await changeWithAllUp(page, r, change.kind)
          : drawFault(
              r,
              await statuses(page),
              struck.some((f) => f.includes('"wipe"')),
            );
        const at = `${((Date.now() - started) / 1000).toFixed(1)} s ${JSON.stringify(fault)}`;
        if (process.env.KVSCOPE_NEMESIS_TRACE) console.log(at);
        const refused = await strike(page, fault);
        struck.push(refused ? `${at} refused: ${refused}` : at);
      }
      // The membership changes were made (the faults then struck them mid-stream).
      if (membership)
        expect(struck.filter((f) => /"(join|leave)"/.test(f) && !f.includes('refused'))).toHaveLength(2);
      // Every fault healed and every node back, then the page's own check of the run.
      const name = `${patch.quorum ?? 'sloppy'}${membership ? '-membership' : ''}`;
      const why = `schedule ${seed} (${label}) struck:\n${struck.join('\n')}\nreplay the schedule: KVSCOPE_NEMESIS_SEED_FROM=${seed} npx playwright test nemesis`;
      const report = await healAndCheck(page, `test-results/e2e/nemesis-${name}-schedule-${seed}.json`, why);
      await replaySavedSession(page, `test-results/e2e/nemesis-${name}-schedule-${seed}.scenario.json`, why);
      const operations = report.history.filter((op) => op.type === 'invoke').length;
      expect(operations, why).toBeGreaterThan(500);
      expect(problems, why).toEqual([]);
    });
