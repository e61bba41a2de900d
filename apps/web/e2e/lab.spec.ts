/**
 * The live lab end to end, on the built app in Chromium: five real nodes in five workers with their
 * data on OPFS, the client, and the faults a user can inject. Checks go through the page's own client
 * (`window.kvscope`), as a user's requests would. Screenshots of each state go to test-results/e2e/;
 * the first test refreshes the README's picture (docs/screenshots/lab.png).
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import {
  cutOffUntilDown,
  fiveNodes,
  missing,
  open,
  putEachVia,
  shot,
  waitHintsHandedOff,
  waitUp,
  watchConsole,
  writeKeys,
} from './labPage.ts';

test('the lab opens with five live workers and the workload running; a put then a get returns the value', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await open(page);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(page.workers().length).toBe(5);
  // The gentle workload keeps the page alive: requests complete and messages are drawn in flight.
  await expect
    .poll(() => page.evaluate(() => window.kvscope.store.getState().ops.ok), { timeout: 15_000 })
    .toBeGreaterThan(2);
  await expect.poll(() => page.locator('[data-testid="flights"] > g').count()).toBeGreaterThan(0);
  // Untouched, the trace follows the workload one request at a time: always one with a trace to
  // draw (never one still on its way to the node asked), kept until it has been seen finished. A
  // forwarded request has one from its forward on: the coordinator's start comes in its next batch.
  // Meanwhile the node table's buttons stay put as message types come and go in the legend above.
  const killAt = page.evaluate(
    () =>
      new Promise<number[]>((resolve) => {
        const ys: number[] = [];
        const timer = setInterval(() => {
          ys.push(document.querySelector('[data-testid="kill-n1"]')?.getBoundingClientRect().y ?? -1);
          if (ys.length < 32) return;
          clearInterval(timer);
          resolve(ys);
        }, 100);
      }),
  );
  const traces: string[] = [];
  for (let i = 0; i < 8; i++) {
    traces.push((await page.getByTestId('trace').textContent()) ?? '');
    await page.waitForTimeout(400);
  }
  for (const text of traces) expect(text).toMatch(/coordinator n\d|forwarded by n\d to n\d/);
  expect(traces.some((text) => / ok in /.test(text))).toBe(true);
  const ys = await killAt;
  expect(new Set(ys).size).toBe(1);
  // Nor do they move as the counts grow: the cluster's message counts wrapped its heading at three
  // digits, the requests' counts wrapped the page's header at four. The counts are raised, then
  // lowered again by as much (the README's picture is taken below).
  const raise = (by: number) =>
    page.evaluate((by) => {
      const { store } = window.kvscope;
      const { counters, ops } = store.getState();
      store.setState({
        counters: {
          ...counters,
          sent: counters.sent + 123_000 * by,
          dropped: counters.dropped + 99_900 * by,
        },
        ops: { ok: ops.ok + 12_300 * by, fail: ops.fail + 1_230 * by, info: ops.info + 120 * by },
      });
    }, by);
  await raise(1);
  const counts = page.getByRole('region', { name: 'Cluster' }).locator('h2');
  await expect(counts).toContainText(/12\dk sent/);
  await expect(page.getByTestId('ops')).toContainText(/12\.\dk ok/);
  expect(await page.getByTestId('kill-n1').evaluate((b) => b.getBoundingClientRect().y)).toBe(ys[0]);
  await expect(counts).toContainText(/12\dk sent · \d+(\.\d)?k dropped/);
  await expect(page.getByTestId('ops')).toContainText(/12\.\dk ok · 1,2\d\d failed · 1\d\d unknown/);
  await raise(-1);
  await expect(counts).not.toContainText('k sent');
  // A workload too fast to trace says so where its traces would be.
  await expect(page.getByTestId('trace-untraced')).toHaveCount(0);
  await page.getByTestId('workload-rate').selectOption('100');
  await expect(page.getByTestId('trace-untraced')).toContainText('its requests are counted, not traced');
  await page.getByTestId('workload-rate').selectOption('2');
  await expect(page.getByTestId('trace-untraced')).toHaveCount(0);

  await page.getByTestId('client-key').fill('apple');
  await page.getByTestId('client-value').fill('red');
  await page.getByTestId('client-put').click();
  await expect(page.getByTestId('client-result')).toContainText('put acknowledged by', { timeout: 10_000 });
  await page.getByTestId('client-get').click();
  await expect(page.getByTestId('client-result')).toContainText('get answered by', { timeout: 10_000 });
  await expect(page.getByTestId('client-sibling')).toHaveText(/red/);
  await expect(page.getByTestId('client-result')).toContainText(
    /get answered by n\d, n\d via n\d: 1 version(?!s)/,
  );
  // A young cluster's first incarnations write under their plain ids, counting from 1 (n1:4 after
  // the node's third write of any key): no new name (n1~…) in the clock.
  await expect(page.getByTestId('client-result')).toContainText(/context \[n\d:\d+\]/);
  await expect(page.getByTestId('client-replicas')).toContainText('Replicas of apple');
  // The ring shows the selected key and its N=3 replicas, the same nodes the client names.
  const replicas = (await page.getByTestId('client-replicas').textContent())?.match(/: (n\d), (n\d), (n\d)/);
  expect(replicas).not.toBeNull();
  await expect(page.getByTestId('ring-view')).toContainText('key apple');
  await expect(page.getByTestId('ring-centre')).toContainText(
    new RegExp(`replicas 1·${replicas?.[1]}\\s+2·${replicas?.[2]}\\s+3·${replicas?.[3]}`),
  );
  await shot(page, 'lab-key-selected');
  // The trace shows the latest request of the user: the get, with its quorum.
  await expect(page.getByTestId('trace')).toContainText('get apple');
  await expect(page.getByTestId('trace')).toContainText('R=2 reached');
  await shot(page, 'lab-running');
  mkdirSync('docs/screenshots', { recursive: true });
  copyFileSync('test-results/e2e/lab-running.png', 'docs/screenshots/lab.png');
  // Bad input gets a typed error in a sentence, refused before anything is sent.
  await page.getByTestId('client-key').fill('');
  await page.getByTestId('client-put').click();
  await expect(page.getByTestId('client-result')).toContainText('KV_KEY_EMPTY');
  expect(problems).toEqual([]);
});

test('killing a node during writes and restarting it loses no acknowledged write', async ({ page }) => {
  const problems = watchConsole(page);
  await open(page, '?delay=0&workload=off');
  const writes = writeKeys(page, 'kill-', 300);
  await page.waitForTimeout(300);
  await page.getByTestId('kill-n3').click();
  await expect(page.getByTestId('status-n3')).toHaveText('crashed');
  await expect.poll(() => page.workers().length).toBe(4);
  await page.getByTestId('tab-log').click();
  await expect(page.getByTestId('event-log')).toContainText('n3 killed');
  await page.waitForTimeout(300);
  await page.getByTestId('restart-n3').click();
  await expect(page.getByTestId('status-n3')).toHaveText('up', { timeout: 20_000 });
  const acked = await writes;
  expect(acked.length).toBeGreaterThan(100);
  expect(await missing(page, acked, 3)).toEqual([]);
  await page.getByTestId('row-n3').getByRole('button', { name: 'Inspect n3' }).click();
  await expect(page.getByTestId('inspector-recovery')).toContainText(/Replayed [1-9]/, { timeout: 5_000 });
  await expect(page.getByTestId('inspector-host')).toContainText('reopened existing files');
  await shot(page, 'lab-n3-restarted');
  // The same run judged by the Jepsen-style checkers: its history and every replica's contents.
  await page.getByTestId('tab-runs').click();
  await page.getByTestId('live-run-check').click();
  await expect(page.getByTestId('live-run-valid')).toContainText('✓ every promised property held', {
    timeout: 20_000,
  });
  await expect(page.getByTestId('live-run-P1')).toContainText('held');
  const download = page.waitForEvent('download');
  await page.getByTestId('live-run-download').click();
  const report = JSON.parse(readFileSync(await (await download).path(), 'utf8'));
  const puts = report.history.filter((op: { f: string; type: string }) => op.f === 'put' && op.type === 'ok');
  expect(puts.length).toBeGreaterThanOrEqual(acked.length);
  expect(Object.keys(report.finalState).sort()).toEqual(fiveNodes);
  // The same actions as a scenario: saved, it names the kill and the restart; replayed in the
  // simulator, it runs and its replay lists them.
  const saved = page.waitForEvent('download');
  await page.getByTestId('live-run-scenario').click();
  const scenario = JSON.parse(readFileSync(await (await saved).path(), 'utf8'));
  expect(scenario.faults.map((f: { type: string; node: string }) => `${f.type} ${f.node}`)).toEqual([
    'kill n3',
    'restart n3',
  ]);
  await page.getByTestId('live-run-replay').click();
  await expect(page.getByTestId('scenario-result')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('replay-faults')).toContainText('kill n3');
  await expect(page.getByTestId('replay-faults')).toContainText('restart n3');
  expect(problems).toEqual([]);
});

test('a crashed node is checked from its files, without restarting it', async ({ page }) => {
  const problems = watchConsole(page);
  await open(page, '?delay=0&workload=off');
  const acked = await writeKeys(page, 'disk-', 120);
  await page.getByTestId('kill-n3').click();
  await expect(page.getByTestId('status-n3')).toHaveText('crashed');
  await page.getByTestId('tab-runs').click();
  await expect(page.getByTestId('live-run-crashed')).toContainText('n3 is crashed: a check reads its files');
  const checked = async () => {
    const download = page.waitForEvent('download');
    await page.getByTestId('live-run-download').click();
    return JSON.parse(readFileSync(await (await download).path(), 'utf8'));
  };
  await page.getByTestId('live-run-check').click();
  await expect(page.getByTestId('live-run-valid')).toContainText('✓ every promised property held', {
    timeout: 20_000,
  });
  await expect(page.getByTestId('live-run-valid')).toContainText('crashed, read from their files: n3');
  const whileCrashed = await checked();
  expect(whileCrashed).toMatchObject({ readFromDisk: ['n3'], downAtEnd: [] });
  const onDisk = whileCrashed.finalState.n3 as Record<string, unknown[]>;
  expect(Object.keys(onDisk).length).toBeGreaterThan(acked.length / 3);
  // Read, not restarted: n3 is still down, its reader gone, and its files free for a restart.
  await expect(page.getByTestId('status-n3')).toHaveText('crashed');
  await expect.poll(() => page.workers().length).toBe(4);
  await page.getByTestId('restart-n3').click();
  await expect(page.getByTestId('status-n3')).toHaveText('up', { timeout: 20_000 });
  // What the check read from the files is what the restarted node holds.
  await page.getByTestId('live-run-check').click();
  await expect(page.getByTestId('live-run-valid')).not.toContainText('read from their files', {
    timeout: 20_000,
  });
  const restarted = (await checked()).finalState.n3 as Record<string, unknown[]>;
  for (const [key, versions] of Object.entries(onDisk)) expect(restarted[key]).toEqual(versions);
  expect(problems).toEqual([]);
});

test('a reload keeps the data: the cluster reopens from OPFS', async ({ page }) => {
  await open(page, '?delay=0&workload=off');
  const acked = await writeKeys(page, 'reload-', 60);
  expect(acked.length).toBe(60);
  await page.reload();
  await waitUp(page, fiveNodes);
  expect(await missing(page, acked, 2)).toEqual([]);
  await page.getByTestId('row-n1').getByRole('button', { name: 'Inspect n1' }).click();
  await expect(page.getByTestId('inspector-host')).toContainText('reopened existing files');
  await shot(page, 'lab-reloaded');
  // This page's run read 60 versions an earlier page wrote: written before its history began, not
  // invented (the check called each a P2 and a P7 violation).
  await page.getByTestId('tab-runs').click();
  await page.getByTestId('live-run-check').click();
  await expect(page.getByTestId('live-run-valid')).toHaveText(
    /^✓ every promised property held over \d+ operations \(reading 60 versions written before this run began/,
    { timeout: 20_000 },
  );
});

test('a partition makes quorums fail with a timeout; heal brings them back', async ({ page }) => {
  await open(page, '?delay=20&workload=off');
  await page.getByTestId('tab-faults').click();
  for (const id of ['n2', 'n3', 'n4', 'n5']) await page.getByTestId(`group-${id}`).selectOption('1');
  await page.getByTestId('partition').click();
  await expect(page.getByTestId('network-state')).toHaveText(/partitioned/);
  await page.getByTestId('client-node').selectOption('n1');
  await page.getByTestId('client-key').fill('island');
  await page.getByTestId('client-put').click();
  await expect(page.getByTestId('client-result')).toContainText('KV_TIMEOUT', { timeout: 15_000 });
  await expect(page.getByTestId('faults-timeline')).toContainText('partition n1 | n2,n3,n4,n5');
  await expect(page.getByTestId('faults-timeline').locator('svg')).toBeVisible();
  await shot(page, 'lab-partitioned');
  await page.getByTestId('heal').click();
  await page.getByTestId('client-put').click();
  await expect(page.getByTestId('client-result')).toContainText('put acknowledged', { timeout: 10_000 });
});

test('cut off from a minority, writes go to stand-ins as hints; after the heal the hints are replayed', async ({
  page,
}) => {
  await open(page, '?delay=0&workload=off');
  await cutOffUntilDown(page, ['n4', 'n5']);
  const acked = await putEachVia(page, 'n1', 'hinted-', 20);
  const hints = await page.evaluate(() => {
    const held = Object.values(window.kvscope.store.getState().hints).flatMap((owners) =>
      Object.entries(owners),
    );
    return held.filter(([owner]) => owner === 'n4' || owner === 'n5').length;
  });
  // Every write is acknowledged (W=2 on the majority side), and some wait as hints for n4 or n5.
  expect(acked).toHaveLength(20);
  expect(hints).toBeGreaterThan(0);
  // The stand-ins carry a hint badge in the cluster view.
  await expect(page.getByRole('region', { name: 'Cluster' })).toContainText(/✉ \d+ hints? for/);
  await shot(page, 'lab-hinted-writes');
  await page.getByTestId('tab-faults').click();
  await page.getByTestId('heal').click();
  // Once gossip shows the owners alive again, the stand-ins hand their hints over.
  await waitHintsHandedOff(page);
  expect(await missing(page, acked, 3)).toEqual([]);
});

test('a partition longer than T_cleanup: each side forgets the other, finds it again after the heal, and the hints are replayed', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await open(page, '?delay=0&workload=off');
  // Shorter gossip timers than the lab's (T_fail 5 s, T_cleanup 30 s), so the test need not wait.
  await page.evaluate(async (ids) => {
    const membership = { failTimeoutMs: 3_000, cleanupTimeoutMs: 5_000 };
    for (const id of ids) await window.kvscope.cluster.configureNode(id as never, { membership });
  }, fiveNodes);
  await cutOffUntilDown(page, ['n4', 'n5']);
  const acked = await putEachVia(page, 'n1', 'long-', 20);
  expect(acked).toHaveLength(20);
  // T_cleanup later each side has removed the other from its membership: no opinion either way.
  for (const [observer, member] of [
    ['n1', 'n4'],
    ['n4', 'n1'],
    ['n5', 'n2'],
  ])
    await expect(page.getByTestId(`belief-${observer}-${member}`)).toHaveText('—', { timeout: 20_000 });
  await shot(page, 'lab-long-partition');
  await page.getByTestId('tab-faults').click();
  await page.getByTestId('heal').click();
  // Gossip still probes the members it removed while down, so the two sides merge again.
  await page.getByTestId('tab-gossip').click();
  for (const [observer, member] of [
    ['n1', 'n4'],
    ['n4', 'n1'],
    ['n5', 'n2'],
    ['n2', 'n5'],
  ])
    await expect(page.getByTestId(`belief-${observer}-${member}`)).toHaveText(/alive/, { timeout: 20_000 });
  await shot(page, 'lab-long-partition-healed');
  await waitHintsHandedOff(page);
  expect(await missing(page, acked, 3)).toEqual([]);
  expect(problems).toEqual([]);
});

test('a wiped node shows empty tables in the inspector', async ({ page }) => {
  await open(page, '?delay=0&workload=off');
  await writeKeys(page, 'wipe-', 40);
  await page.getByTestId('row-n2').getByRole('button', { name: 'Inspect n2' }).click();
  await expect(page.getByTestId('inspector-host')).toContainText('Files on OPFS', { timeout: 5_000 });
  await page.getByTestId('wipe-n2').click();
  await expect(page.getByTestId('status-n2')).toHaveText('up', { timeout: 20_000 });
  await expect(page.getByTestId('inspector-host')).toContainText('started on an empty disk', {
    timeout: 10_000,
  });
  await expect(page.getByTestId('inspector-recovery')).toContainText('Opened on an empty disk');
  // Its old writes live on in n2's clock entries elsewhere: its new ones carry a new name.
  await expect(page.getByTestId('inspector-actor')).toContainText('n2~');
  await page.getByTestId('tab-faults').click();
  await expect(page.getByTestId('faults-timeline')).toContainText("n2's disk wiped");
  // Anti-entropy is what repairs a wiped disk: "Repair now" asks every node for a Merkle exchange.
  await page.getByTestId('repair-now').click();
  await expect(page.getByTestId('faults-timeline')).toContainText('repair now');
  await page.getByTestId('row-n2').getByRole('button', { name: 'Inspect n2' }).click();
  await shot(page, 'lab-n2-wiped');
});

test('the inspector flushes a memtable to a table and compacts the tables; a restart reads them back', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await open(page, '?delay=0&workload=off');
  const first = await writeKeys(page, 'flush-a', 20);
  await page.getByTestId('row-n2').getByRole('button', { name: 'Inspect n2' }).click();
  const tables = page.getByTestId('node-inspector').locator('[data-table]');
  await expect(tables).toHaveCount(0, { timeout: 5_000 });
  await page.getByTestId('inspector-flush').click();
  await expect(tables).toHaveCount(1, { timeout: 5_000 });
  const second = await writeKeys(page, 'flush-b', 20);
  await page.getByTestId('inspector-flush').click();
  await expect(tables).toHaveCount(2, { timeout: 5_000 });
  await shot(page, 'lab-n2-flushed');
  await page.getByTestId('inspector-compact').click();
  await expect(tables).toHaveCount(1, { timeout: 5_000 });
  await page.getByTestId('tab-log').click();
  await expect(page.getByTestId('event-log')).toContainText('n2 flushed its memtable');
  await expect(page.getByTestId('event-log')).toContainText('n2 compacted 2 tables into 1');
  // Killed and restarted, n2 opens its table: what it serves comes from there, not from a replay.
  await page.getByTestId('kill-n2').click();
  await expect(page.getByTestId('status-n2')).toHaveText('crashed');
  await page.getByTestId('restart-n2').click();
  await expect(page.getByTestId('status-n2')).toHaveText('up', { timeout: 20_000 });
  await page.getByTestId('tab-inspector').click();
  await page.getByTestId('row-n2').getByRole('button', { name: 'Inspect n2' }).click();
  await expect(tables).toHaveCount(1, { timeout: 5_000 });
  expect(await missing(page, [...first, ...second], 3)).toEqual([]);
  expect(problems).toEqual([]);
});

test('a table damaged on disk is found by the scrubber: the node gets a new disk and no write is lost', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await open(page, '?delay=0&workload=off');
  const acked = await writeKeys(page, 'rot-', 30);
  await page.getByTestId('row-n2').getByRole('button', { name: 'Inspect n2' }).click();
  await page.getByTestId('inspector-flush').click();
  await expect(page.getByTestId('node-inspector').locator('[data-table]')).toHaveCount(1, { timeout: 5_000 });
  // Bit rot: one bit of n2's table flipped on disk. Its block cache still holds the block, so no
  // read meets it; n2's scrubber re-reads its tables from the file and finds it, with no restart.
  await expect(page.getByTestId('inspector-scrub')).toContainText('16 blocks every 1,000 ms');
  await page.getByTestId('inspector-corrupt').click();
  await page.getByTestId('tab-faults').click();
  // The flip's marker (the scrubber may find the damage before the page shows the flip).
  const flipped = await page.waitForFunction(
    () =>
      window.kvscope.store
        .getState()
        .markers.find((m) => /^n2: one bit flipped at byte \d+ of table/.test(m.label))?.label,
    undefined,
    { timeout: 5_000 },
  );
  const damaged = /table (\d+\.sst)/.exec(String(await flipped.jsonValue()))?.[1];
  expect(damaged).toMatch(/^\d+\.sst$/);
  await expect(page.getByTestId('faults-timeline')).toContainText(
    `n2 found its disk damaged (KV_CORRUPTION: table ${damaged}`,
    { timeout: 20_000 },
  );
  await expect(page.getByTestId('status-n2')).toHaveText('up', { timeout: 20_000 });
  // Above the faults: requests answered and failed per second, availability, hints held, the latency
  // p99, the shares of reads that returned siblings or were stale, and of keys whose replicas differ.
  for (const series of [
    'answered',
    'failed',
    'availability',
    'hints held',
    'latency p99',
    'reads with siblings',
    'stale reads',
    'replicas diverged',
  ])
    await expect(page.getByTestId(`sparkline-${series}`)).toBeVisible();
  await shot(page, 'lab-n2-disk-damaged');
  expect(await missing(page, acked, 2)).toEqual([]);
  expect(problems).toEqual([]);
});

test('the others come to suspect a killed node; restarted, it is alive again in every view', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await open(page, '?delay=0&workload=off');
  await page.getByTestId('kill-n4').click();
  await page.getByTestId('tab-gossip').click();
  // Gossip (1 s rounds, T_fail 5 s): every live node comes to doubt n4; the page knows it crashed.
  for (const observer of ['n1', 'n2', 'n3', 'n5'])
    await expect(page.getByTestId(`belief-${observer}-n4`)).toHaveText(/suspected|down/, { timeout: 20_000 });
  await expect(page.getByTestId('belief-n4-n1')).toHaveText('—');
  await expect(page.getByTestId('status-n4')).toHaveText('crashed');
  await shot(page, 'lab-n4-killed-others-view');
  await page.getByTestId('restart-n4').click();
  await expect(page.getByTestId('status-n4')).toHaveText('up', { timeout: 20_000 });
  for (const observer of ['n1', 'n2', 'n3', 'n5'])
    await expect(page.getByTestId(`belief-${observer}-n4`)).toHaveText(/alive/, { timeout: 10_000 });
  expect(problems).toEqual([]);
});

test('keyboard only, with reduced motion: reach the client, the kill buttons and the tabs, each with a visible focus ring', async ({
  browser,
}) => {
  const context = await browser.newContext({
    reducedMotion: 'reduce',
    viewport: { width: 1280, height: 720 },
  });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await open(page, '?delay=20');
  expect(await page.evaluate(() => matchMedia('(prefers-reduced-motion: reduce)').matches)).toBe(true);
  const reached = new Set<string>();
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return '';
      const visible = getComputedStyle(el).outlineStyle !== 'none' || el.matches(':focus-visible');
      return `${el.dataset.testid ?? el.getAttribute('aria-label') ?? el.tagName}${visible ? '' : ' (no focus ring)'}`;
    });
    reached.add(id);
  }
  for (const id of ['client-key', 'client-put', 'kill-n1', 'tab-trace']) expect(reached).toContain(id);
  expect([...reached].filter((id) => id.endsWith('(no focus ring)'))).toEqual([]);
  // Enter on the focused tab bar: arrow keys move between tabs, Enter/Space are native buttons.
  await page.getByTestId('tab-trace').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tab-versions')).toBeFocused();
  await expect(page.getByTestId('tab-versions')).toHaveAttribute('aria-selected', 'true');
  await page.getByTestId('kill-n5').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('status-n5')).toHaveText('crashed');
  await page.getByTestId('restart-n5').focus();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('status-n5')).toHaveText('up', { timeout: 20_000 });
  expect(problems).toEqual([]);
  await context.close();
});
