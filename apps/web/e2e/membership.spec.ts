/**
 * Membership changes in the live lab, end to end on the built app in Chromium: adding a node under
 * writes (a new worker joins, streams the ranges it will own, appears on the ring, and no
 * acknowledged write is lost), removing one (it hands its ranges over, leaves, its worker stops,
 * and the data stays readable), both surviving a reload, a removal refused with a sentence when it
 * would leave fewer nodes than N, and changes struck mid-way (a leaver killed or wiped, a join
 * cancelled while it pulls), and each session saved as a scenario that replays the changes in the
 * simulator. Checks go through the page's own client (`window.kvscope`).
 * Screenshots of the add and remove states go to docs/screenshots/.
 */
import { expect, type Page, test } from '@playwright/test';
import { fiveNodes, missing, open, shot as saveShot, waitUp, watchConsole, writeKeys } from './labPage.ts';
import { saveSession } from './liveRunEnd.ts';

/** This spec's pictures are the docs' (docs/screenshots/). */
const shot = (page: Page, name: string) => saveShot(page, name, true);

/** Opens the lab at full network speed without the background workload (the tests write their own). */
const openQuiet = (page: Page) => open(page, '?delay=0&workload=off');

/** Hides request and storage traffic in the event log, so the membership sentences are in view. */
async function quietLog(page: Page): Promise<void> {
  const log = page.getByTestId('event-log');
  await log.getByRole('checkbox', { name: /request/ }).uncheck();
  await log.getByRole('checkbox', { name: /storage/ }).uncheck();
}

/** The node folders on OPFS (`kvscope/<id>`), sorted. */
const nodeFolders = (page: Page) =>
  page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const folder = await root.getDirectoryHandle('kvscope');
    const names: string[] = [];
    for await (const name of (folder as unknown as { keys(): AsyncIterable<string> }).keys())
      names.push(name);
    return names.filter((name) => /^n\d+$/.test(name)).sort();
  });

interface SavedScenario {
  cluster: { nodes: { id: string; joining?: boolean }[] };
  faults: { type: string; node?: string }[];
  description: string;
}

/** The session as a scenario file (Runs tab, "Save as a scenario"), kept beside the test's results. */
async function savedSession(page: Page): Promise<SavedScenario> {
  const path = `test-results/e2e/membership-${test.info().title.slice(0, 40).replace(/\W+/g, '-')}.scenario.json`;
  return (await saveSession(page, path)) as SavedScenario;
}

const faultsOf = (scenario: SavedScenario) =>
  scenario.faults.map((f) => `${f.type}${f.node ? ` ${f.node}` : ''}`);

/** Replays the session in the simulator and waits for each of `lines` in the replay's fault log. */
async function replaySession(page: Page, lines: string[]): Promise<void> {
  await page.getByTestId('tab-runs').click();
  await page.getByTestId('live-run-replay').click();
  await expect(page.getByTestId('scenario-result')).toBeVisible({ timeout: 30_000 });
  for (const line of lines) await expect(page.getByTestId('replay-faults')).toContainText(line);
}

const ringMembers = (page: Page) =>
  page.evaluate(() => [...window.kvscope.store.getState().membership.ring].sort());

test('adding a node under writes: a sixth worker joins, takes its tokens on the ring, and no acknowledged write is lost', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await openQuiet(page);
  const before = await writeKeys(page, 'pre-', 120);
  expect(before.length).toBeGreaterThan(100);
  const during = writeKeys(page, 'join-', 200);
  await page.waitForTimeout(200);
  await page.getByTestId('add-node').click();
  await expect.poll(() => page.workers().length).toBe(6);
  await expect(page.getByTestId('row-n6')).toBeVisible();
  await expect(page.getByTestId('status-n6')).toHaveText('up', { timeout: 30_000 });
  expect(await ringMembers(page)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 'n6']);
  // The ring shows n6's eight tokens and, for a while, the ranges that moved to it.
  const ring = page.getByTestId('ring-view');
  await expect(ring.locator('[data-token^="n6#"]')).toHaveCount(8);
  await expect(ring.locator('[data-receiver="n6"]').first()).toBeVisible();
  await expect(page.getByTestId('ring-centre')).toContainText(/to n6 from n\d/);
  await page.getByTestId('tab-log').click();
  await quietLog(page);
  const joined = page.getByTestId('event-log').getByText(/n6 joined: replica for \d+% of the ring/);
  await expect(joined).toBeVisible();
  await expect(joined).toContainText(/taken from n\d.*; [1-9]\d* keys streamed/);
  const acked = await during;
  expect(acked.length).toBeGreaterThan(150);
  expect(await missing(page, [...before, ...acked], 3)).toEqual([]);
  await shot(page, 'lab-node-added');
  // Saved, the session replays the join in the simulator: n6 declared joining, joining when it did.
  const scenario = await savedSession(page);
  expect(scenario.cluster.nodes.at(-1)).toEqual({ id: 'n6', joining: true });
  expect(faultsOf(scenario)).toEqual(['join n6']);
  await replaySession(page, ['join n6: it streams the ranges it gains, then serves']);
  // The new member survives a reload: six workers reopen from OPFS and the data is still there.
  await page.reload();
  await waitUp(page, ['n1', 'n2', 'n3', 'n4', 'n5', 'n6']);
  expect(page.workers().length).toBe(6);
  expect(await missing(page, before.slice(0, 40), 2)).toEqual([]);
  expect(problems).toEqual([]);
});

test('removing a node: it hands its ranges over and leaves, its worker stops, the data stays readable, and the cluster stays smaller after a reload', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await openQuiet(page);
  const acked = await writeKeys(page, 'leave-', 150);
  expect(acked.length).toBe(150);
  await page.getByTestId('remove-which').selectOption('n2');
  await page.getByTestId('remove-node').click();
  await expect(page.getByTestId('row-n2')).toHaveCount(0, { timeout: 30_000 });
  await expect.poll(() => page.workers().length).toBe(4);
  expect(await ringMembers(page)).toEqual(['n1', 'n3', 'n4', 'n5']);
  await expect(page.getByTestId('ring-view').locator('[data-change="leaves"]')).toHaveCount(8);
  await page.getByTestId('tab-log').click();
  await quietLog(page);
  const log = page.getByTestId('event-log');
  await expect(log.getByText(/n2 decommissioning: it hands its ranges to n\d/)).toBeVisible();
  await expect(log.getByText(/n2 left: handed [1-9]\d* keys \(its \d+% of the ring\) to n\d/)).toBeVisible();
  expect(await missing(page, acked, 3)).toEqual([]);
  // Its files are deleted (it handed them over; its id is never reused); the others' remain.
  expect(await nodeFolders(page)).toEqual(['n1', 'n3', 'n4', 'n5']);
  await shot(page, 'lab-node-removed');
  // Down to N=3 nodes, another removal is refused with a sentence before it is tried.
  await page.getByTestId('remove-which').selectOption('n5');
  await page.getByTestId('remove-node').click();
  await expect(page.getByTestId('row-n5')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('remove-which').selectOption('n4');
  await expect(page.getByTestId('remove-node')).toBeDisabled();
  await expect(page.getByTestId('membership-note')).toHaveText(
    'Removing n4 would leave 2 nodes, fewer than N=3 replicas.',
  );
  await page.getByTestId('tab-faults').click();
  await expect(page.getByTestId('faults-timeline')).toContainText('n5 left');
  await shot(page, 'lab-remove-refused');
  // Saved, the session replays both departures in the simulator, one after the other.
  expect(faultsOf(await savedSession(page))).toEqual(['decommission n2', 'decommission n5']);
  await replaySession(page, [
    'decommission n2: it hands its ranges over, then leaves',
    'decommission n5: it hands its ranges over, then leaves',
  ]);
  await page.reload();
  await waitUp(page, ['n1', 'n3', 'n4']);
  expect(page.workers().length).toBe(3);
  await expect(page.getByTestId('row-n2')).toHaveCount(0);
  expect(await missing(page, acked, 3)).toEqual([]);
  expect(problems).toEqual([]);
});

test('the autoscaler removes the least loaded node under sustained low load, down to its minimum, and says why', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await openQuiet(page);
  // A minimum below N is refused with a sentence before the switch can be turned on.
  await page.getByTestId('autoscaler-settings').click();
  await page.getByTestId('autoscaler-minNodes').fill('2');
  await expect(page.getByTestId('autoscaler-note')).toHaveText(
    'The minimum size 2 is below N=3: shrinking to it would leave keys with fewer than N replicas.',
  );
  await expect(page.getByTestId('autoscaler-switch')).toBeDisabled();
  await page.getByTestId('autoscaler-minNodes').fill('4');
  await page.getByTestId('autoscaler-sustainMs').fill('1');
  await page.getByTestId('autoscaler-coolDownMs').fill('1');
  await page.getByTestId('autoscaler-apply').click();
  await expect(page.getByTestId('autoscaler')).toContainText('4–8 nodes');
  await page.getByTestId('autoscaler-switch').check();
  // No workload: 0 ops/s per node stays below the threshold, so the least loaded node goes (ties:
  // the last by id), and then the autoscaler holds at its minimum of 4.
  await expect(page.getByTestId('row-n5')).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByTestId('autoscaler-note')).toContainText('hold: at the minimum of 4 nodes', {
    timeout: 10_000,
  });
  expect(page.workers().length).toBe(4);
  await page.getByTestId('tab-faults').click();
  await expect(page.getByTestId('faults-timeline')).toContainText('n5 left');
  await page.getByTestId('tab-log').click();
  await quietLog(page);
  await expect(
    page.getByTestId('event-log').getByText(/autoscaler \(load 0\.0 ops\/s per node stayed below 1/),
  ).toBeVisible();
  await shot(page, 'lab-autoscaler');
  // A reload keeps the autoscaler on, with its settings, and the cluster at its minimum.
  await page.reload();
  await waitUp(page, ['n1', 'n2', 'n3', 'n4']);
  await expect(page.getByTestId('autoscaler-switch')).toBeChecked({ timeout: 10_000 });
  await expect(page.getByTestId('autoscaler')).toContainText('4–8 nodes');
  expect(problems).toEqual([]);
});

test.describe('with prefers-reduced-motion', () => {
  test.use({ reducedMotion: 'reduce' });

  test('the ring shows the change at once: the moved ranges are highlighted but nothing animates', async ({
    page,
  }) => {
    await page.goto('/?delay=20&workload=off');
    await waitUp(page, fiveNodes);
    await page.getByTestId('add-node').click();
    const ring = page.getByTestId('ring-view');
    await expect(ring.locator('[data-token^="n6#"]')).toHaveCount(8, { timeout: 30_000 });
    await expect(ring.locator('[data-receiver="n6"]').first()).toBeVisible();
    // No d3 transition moved a token or closed an arc, and the pulse class is off.
    const animated = await ring.evaluate(
      (view) =>
        [...view.querySelectorAll<SVGElement>('[data-token], [data-moved-start]')].filter(
          (el) => el.hasAttribute('transform') || el.style.opacity !== '' || el.style.strokeOpacity !== '',
        ).length,
    );
    expect(animated).toBe(0);
    expect(await ring.locator('.kv-moved').count()).toBe(0);
  });
});

test('at classroom speed the new node is shown joining while its ranges stream, and a join can be cancelled before it serves', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await page.goto('/?workload=off');
  await waitUp(page, fiveNodes);
  await writeKeys(page, 'class-', 12);
  await page.getByTestId('add-node').click();
  await expect(page.getByTestId('status-n6')).toHaveText('joining', { timeout: 20_000 });
  await expect(page.getByTestId('membership-status')).toContainText('n6 is joining');
  // Not on the ring yet: the ring follows the nodes' own reports, and n6 has not announced itself.
  expect(await ringMembers(page)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
  // Nor among a key's replicas in the client: on the six-node ring apple's first replica is n6.
  await expect(page.getByTestId('client-replicas')).toContainText('Replicas of apple: n2, n1, n4 ·');
  await shot(page, 'lab-node-joining');
  await expect(page.getByTestId('status-n6')).toHaveText('up', { timeout: 30_000 });
  await expect(page.getByTestId('ring-view').locator('[data-token^="n6#"]')).toHaveCount(8);
  await expect(page.getByTestId('client-replicas')).toContainText('Replicas of apple: n6, n2, n1 ·');
  await page.waitForTimeout(600);
  await shot(page, 'lab-node-joined-classroom');

  // Slow every link by 3 s so the next join is still streaming when it is cancelled.
  await page.evaluate(() => window.kvscope.cluster.slowLink('*', null, 3_000));
  await page.getByTestId('add-node').click();
  await expect(page.getByTestId('status-n7')).toHaveText('joining', { timeout: 20_000 });
  await page.getByTestId('remove-which').selectOption('n7');
  await page.getByTestId('remove-node').click();
  await expect(page.getByTestId('row-n7')).toHaveCount(0);
  await expect.poll(() => page.workers().length).toBe(6);
  expect(await ringMembers(page)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 'n6']);
  await page.getByTestId('tab-log').click();
  await expect(page.getByTestId('event-log').getByText(/n7's join cancelled/)).toBeVisible();
  // n7 is retired: nodes that fenced ranges for it were told it is gone, and its id is not reused.
  await expect(page.getByTestId('add-node')).toHaveText(/n8/);
  expect(problems).toEqual([]);
});

test('strict quorums: a node wiped after it fenced ranges for a joiner serves nothing until its ring shows the joiner, and loses no write', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const problems = watchConsole(page);
  await page.goto('/?delay=20&workload=off');
  await waitUp(page, fiveNodes);
  const settings = await page.evaluate(() => window.kvscope.store.getState().settings);
  const refused = await page.evaluate(
    (s) => window.kvscope.cluster.applySettings({ ...s, quorum: 'strict' }),
    settings,
  );
  expect(refused).toBeNull();
  await waitUp(page, fiveNodes);
  const acked = await writeKeys(page, 'fenced-', 60);
  // Slow every link by 1 s, so the joiner's rounds of fence requests take seconds.
  await page.evaluate(() => window.kvscope.cluster.slowLink('*', null, 1_000));
  await page.getByTestId('tab-log').click();
  await quietLog(page);
  await page.getByTestId('add-node').click();
  const log = page.getByTestId('event-log');
  await expect(log.getByText(/n1 stops serving \d+ ranges? it hands to n6/)).toBeVisible({ timeout: 30_000 });
  // n1's fence goes with its disk; its peers still fence ranges for n6, and tell it so.
  await page.getByTestId('wipe-n1').click();
  await expect(
    log.getByText(
      "n1 waits before it serves: a peer is handing ranges to n6, which n1's ring does not show yet",
    ),
  ).toBeVisible({ timeout: 30_000 });
  await saveShot(page, 'lab-wiped-loser-waits');
  await expect(page.getByTestId('status-n6')).toHaveText('up', { timeout: 60_000 });
  await page.evaluate(() => window.kvscope.cluster.healAll());
  await waitUp(page, [...fiveNodes, 'n6']);
  expect(await ringMembers(page)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 'n6']);
  // Every replica holds every acknowledged write once n1 has pulled its ranges back.
  await expect(log.getByText(/n1 has its ranges back and answers reads again/)).toBeVisible({
    timeout: 30_000,
  });
  expect(await missing(page, acked, 3)).toEqual([]);
  expect(problems).toEqual([]);
});

/**
 * Writes 60 keys, slows every link by 2 s and asks n4 to leave, so that its hand-over is still under
 * way when the test strikes it; returns the acknowledged keys.
 */
async function slowLeaveOfN4(page: Page, prefix: string): Promise<string[]> {
  await page.goto('/?delay=20&workload=off');
  await waitUp(page, fiveNodes);
  const acked = await writeKeys(page, prefix, 60);
  await page.evaluate(() => window.kvscope.cluster.slowLink('*', null, 2_000));
  await page.getByTestId('remove-which').selectOption('n4');
  await page.getByTestId('remove-node').click();
  await expect(page.getByTestId('status-n4')).toHaveText('leaving');
  return acked;
}

/** Heals; then n4 leaves: gone from the views and the ring, every key readable, the log saying `why`. */
async function healAndSeeN4Leave(page: Page, acked: string[], why: RegExp): Promise<void> {
  await page.getByTestId('tab-faults').click();
  await page.getByTestId('heal').click();
  await expect(page.getByTestId('row-n4')).toHaveCount(0, { timeout: 45_000 });
  expect(await ringMembers(page)).toEqual(['n1', 'n2', 'n3', 'n5']);
  expect(await missing(page, acked, 3)).toEqual([]);
  await page.getByTestId('tab-log').click();
  await quietLog(page);
  await expect(page.getByTestId('event-log').getByText(why)).toBeVisible();
  await expect(page.getByTestId('event-log').getByText(/n4 left: handed/)).toBeVisible();
}

test('a node killed while it hands its ranges over takes the hand-over up again when restarted, and then leaves', async ({
  page,
}) => {
  const problems = watchConsole(page);
  const acked = await slowLeaveOfN4(page, 'crash-leave-');
  await page.getByTestId('kill-n4').click();
  await expect(page.getByTestId('membership-status')).toContainText('n4 is leaving');
  await page.getByTestId('restart-n4').click();
  await healAndSeeN4Leave(page, acked, /n4 stopped while handing its ranges over/);
  expect(problems).toEqual([]);
});

test('a node wiped while it hands its ranges over is asked to leave again, and leaves', async ({ page }) => {
  const problems = watchConsole(page);
  const acked = await slowLeaveOfN4(page, 'wipe-leave-');
  // Its disk held that it was leaving: wiped, it comes back as a plain member unless asked again.
  await page.getByTestId('wipe-n4').click();
  await healAndSeeN4Leave(page, acked, /n4 was wiped while leaving/);
  expect(problems).toEqual([]);
});

/** The first node that opened a stream of its ranges to `joiner` (the page folds the event). */
const firstSourceOf = (page: Page, joiner: string) =>
  page.evaluate(
    (joiner) =>
      window.kvscope.store
        .getState()
        .events.find((e) => e.type === 'stream.started' && e.peer === joiner && e.direction === 'out')
        ?.node ?? null,
    joiner,
  );

test('a join cancelled while it pulls leaves no node waiting on it: a node removed next hands over and leaves', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await page.goto('/?delay=20&workload=off');
  await waitUp(page, fiveNodes);
  const acked = await writeKeys(page, 'cancel-', 40);
  // Every message takes 2 s more: n6 is still pulling when it is cancelled.
  await page.evaluate(() => window.kvscope.cluster.slowLink('*', null, 2_000));
  await page.getByTestId('add-node').click();
  await expect.poll(() => firstSourceOf(page, 'n6'), { timeout: 30_000 }).not.toBeNull();
  const source = (await firstSourceOf(page, 'n6')) as string;
  // Writes reach their replicas two seconds from now: n6's sources forward those in its ranges to it.
  await page.evaluate(() => {
    for (let i = 0; i < 40; i++) void window.kvscope.client.put(`during-${i}`, 'x', { record: false });
  });
  await page.waitForTimeout(3_000);
  await page.getByTestId('remove-which').selectOption('n6');
  await page.getByTestId('remove-node').click();
  await expect(page.getByTestId('row-n6')).toHaveCount(0);
  await page.getByTestId('tab-faults').click();
  await page.getByTestId('heal').click();
  // A source still forwarding to n6 would wait ten minutes for its acknowledgements before leaving.
  await page.getByTestId('remove-which').selectOption(source);
  await page.getByTestId('remove-node').click();
  // Healed, its hand-over can end within a second ('left … in 102 ms' at 0.6 s in a CI run), before
  // a check of its 'leaving' state comes round: the timeline keeps that it began.
  await expect(page.getByTestId(`row-${source}`)).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByTestId('faults-timeline')).toContainText(`${source} decommissioning`);
  expect(await missing(page, acked, 3)).toEqual([]);
  // Saved, the session replays the join, its cancellation and the departure in the simulator.
  const scenario = await savedSession(page);
  expect(faultsOf(scenario)).toEqual(['slow', 'join n6', 'cancel-join n6', 'heal', `decommission ${source}`]);
  expect(scenario.cluster.nodes.at(-1)).toEqual({ id: 'n6', joining: true });
  await replaySession(page, [
    'cancel-join n6: it stops for good, and every member is told it is gone',
    `decommission ${source}: it hands its ranges over, then leaves`,
  ]);
  expect(problems).toEqual([]);
});
