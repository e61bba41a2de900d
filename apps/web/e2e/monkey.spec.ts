/**
 * A learner who clicks everything, fast, through the page's own controls: for
 * `KVSCOPE_MONKEY_SECONDS` (default 15) a seeded stream clicks the lab's buttons 30–400 ms apart —
 * kill, restart, pause, resume, wipe (once: two wipes may take every copy of a write), add and
 * remove a node, split the network, cut, slow and drop a link, set a clock off, heal, repair, new
 * quorum settings — with no regard for what is still under way, while the workload runs. The
 * nemesis (nemesis.spec.ts) strikes through the cluster's API, one fault after the last has been
 * applied; this one finds what only overlapping clicks do (two Applies at once started a second
 * worker on a node's files). Then
 * every fault is healed, and the page must hold: no page error, one worker per node, every node up,
 * and the page's own check of the run; the session, saved as a scenario, must replay in the
 * simulator with every promise held. `KVSCOPE_MONKEY_SEEDS=N` runs N streams (from
 * `KVSCOPE_MONKEY_SEED_FROM`; two by default, and the streams that once failed); a failure prints
 * the clicks of its stream.
 */
import { Rng } from '@kvscope/engine';
import { expect, type Locator, type Page, test } from '@playwright/test';
import { open, watchConsole } from './labPage.ts';
import { healAndCheck, keepEvents, replaySavedSession } from './liveRunEnd.ts';

const seconds = Number(process.env.KVSCOPE_MONKEY_SECONDS ?? 15);
// Two streams in the default run (~25 s each); what more streams found is in the README.
const seedCount = Number(process.env.KVSCOPE_MONKEY_SEEDS ?? 2);
const seedFrom = Number(process.env.KVSCOPE_MONKEY_SEED_FROM ?? 1);
/**
 * Streams that once failed, run by default too while they still strike the same way. 692: a leaver
 * wiped, then killed while it refused to leave (rebuilding), came back a plain member and was never
 * asked again (failed 4 runs of 4 before the fix, passed 4 of 4 after).
 */
const regressionSeeds = process.env.KVSCOPE_MONKEY_SEEDS === undefined ? [692] : [];
const seeds = [...Array.from({ length: seedCount }, (_, i) => seedFrom + i), ...regressionSeeds];

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[r.int(xs.length)] as T;

/** Clicks `target` if it is there and enabled now; returns whether it did. */
async function tryClick(target: Locator): Promise<boolean> {
  try {
    if (!(await target.isVisible()) || !(await target.isEnabled())) return false;
    await target.click({ timeout: 1_000 });
    return true;
  } catch {
    return false; // gone or disabled between the look and the click: the page moved on
  }
}

/** Chooses `value` in `select` if it is there; returns whether it did. */
async function trySelect(select: Locator, value: string): Promise<boolean> {
  try {
    if (!(await select.isVisible())) return false;
    await select.selectOption(value, { timeout: 1_000 });
    return true;
  } catch {
    return false;
  }
}

const nodeIds = (page: Page) => page.evaluate(() => window.kvscope.store.getState().order as string[]);

/** One click of the stream (with the choices it needs first); returns what it did, or null. */
async function clickSomething(page: Page, r: Rng, wiped: { done: boolean }): Promise<string | null> {
  const ids = await nodeIds(page);
  const node = pick(r, ids);
  const x = r.float();
  if (x < 0.45) {
    const kind = pick(r, ['kill', 'restart', 'pause', 'resume', 'wipe'] as const);
    if (kind === 'wipe' && wiped.done) return null;
    if (!(await tryClick(page.getByTestId(`${kind}-${node}`)))) return null;
    if (kind === 'wipe') wiped.done = true;
    return `${kind} ${node}`;
  }
  if (x < 0.55) return (await tryClick(page.getByTestId('add-node'))) ? 'add a node' : null;
  if (x < 0.62) {
    await trySelect(page.getByTestId('remove-which'), node);
    return (await tryClick(page.getByTestId('remove-node'))) ? `remove ${node}` : null;
  }
  if (x < 0.9) return clickFault(page, r, ids);
  await tryClick(page.getByTestId('tab-settings'));
  const quorum = pick(r, ['strict', 'sloppy']);
  await trySelect(page.getByTestId('setting-quorum'), quorum);
  return (await tryClick(page.getByTestId('apply-settings'))) ? `apply ${quorum} quorums` : null;
}

/** A click on the Faults tab: a partition, a link fault, a clock, heal or repair. */
async function clickFault(page: Page, r: Rng, ids: string[]): Promise<string | null> {
  await tryClick(page.getByTestId('tab-faults'));
  const x = r.float();
  if (x < 0.3) {
    const groups = ids.map((id) => [id, r.int(2)] as const);
    for (const [id, group] of groups) await trySelect(page.getByTestId(`group-${id}`), String(group));
    const text = groups.map(([id, g]) => `${id}:${'AB'[g]}`).join(' ');
    return (await tryClick(page.getByTestId('partition'))) ? `partition ${text}` : null;
  }
  if (x < 0.55) {
    const [from, to] = [pick(r, ids), pick(r, ids)];
    await trySelect(page.getByTestId('link-from'), from);
    await trySelect(page.getByTestId('link-to'), to);
    const kind = pick(r, ['cut-one-way', 'slow', 'lossy']);
    // The link the selects show: "to" never lists "from", so a pick of the same node is not made.
    const shown = (id: string) =>
      page
        .getByTestId(id)
        .inputValue({ timeout: 1_000 })
        .catch(() => '?');
    const link = `${await shown('link-from')}→${await shown('link-to')}`;
    return (await tryClick(page.getByTestId(kind))) ? `${kind} ${link}` : null;
  }
  if (x < 0.65) {
    const [node, skew] = [pick(r, ids), pick(r, ['-10000', '-2000', '0', '2000', '10000'])];
    await trySelect(page.getByTestId('clock-node'), node);
    await trySelect(page.getByTestId('clock-skew'), skew);
    return (await tryClick(page.getByTestId('set-clock'))) ? `clock of ${node} ${skew} ms` : null;
  }
  if (x < 0.85) return (await tryClick(page.getByTestId('heal'))) ? 'heal all' : null;
  return (await tryClick(page.getByTestId('repair-now'))) ? 'repair now' : null;
}

for (const seed of seeds)
  test(`clicking everything at once, stream ${seed}: one worker per node, every node back, every promised property holds`, async ({
    page,
  }) => {
    test.setTimeout(150_000 + seconds * 3_000);
    const problems = watchConsole(page);
    page.on('dialog', (dialog) => void dialog.accept());
    await open(page, '?delay=0');
    await keepEvents(page);
    await page.evaluate(() => {
      window.kvscope.workload.set({ running: true, rate: 100, keys: 30, readFraction: 0.5 });
      window.kvscope.workload.start();
    });
    const r = new Rng(seed).fork('monkey');
    const clicks: string[] = [];
    const wiped = { done: false };
    const started = Date.now();
    while (Date.now() - started < seconds * 1_000) {
      await page.waitForTimeout(30 + r.float() * 370);
      const did = await clickSomething(page, r, wiped);
      if (did) clicks.push(`${((Date.now() - started) / 1000).toFixed(1)} s ${did}`);
    }
    const why = `stream ${seed} clicked:\n${clicks.join('\n')}\nreplay: KVSCOPE_MONKEY_SEED_FROM=${seed} npx playwright test monkey`;
    // The stream did something: most tries land, but a stream that picks many buttons disabled at
    // that moment (restart a running node, partition with every node in one group) lands about one
    // a second (stream 724: 14–15 in 15 s).
    expect(clicks.length, why).toBeGreaterThan(seconds / 2);
    await healAndCheck(page, `test-results/e2e/monkey-stream-${seed}.json`, why);
    await replaySavedSession(page, `test-results/e2e/monkey-stream-${seed}.scenario.json`, why);
    // One worker per node: none left running beside its replacement.
    const ids = await nodeIds(page);
    expect(page.workers().length, why).toBe(ids.length);
    expect(problems, why).toEqual([]);
  });
