/**
 * The protocol settings a lab user compares, end to end:
 *   - strict quorums, beside the sloppy quorums and hinted handoff of lab.spec.ts (SPEC 1.5): a
 *     partition that cuts two of a key's three replicas off makes its writes fail instead of leaving
 *     hints with stand-ins, and a wiped replica pulls its ranges back before it answers reads;
 *   - the phi-accrual failure detector (SPEC 1.6): each node convicts a killed one on its own φ,
 *     which the inspector shows;
 *   - a 4 KiB memtable (SPEC 1.8): the workload alone makes every node flush tables and compact.
 * Screenshots in test-results/e2e/: lab-settings-strict.png, lab-strict-partition.png,
 * lab-strict-rebuilt.png and lab-phi-detector.png.
 */
import { expect, test } from '@playwright/test';
import {
  applySettings,
  cutOffUntilDown,
  fiveNodes,
  missing,
  open,
  shot,
  waitUp,
  watchConsole,
  writeKeys,
} from './labPage.ts';

test('strict quorums: a partition fails writes instead of hinting them, and a wiped replica rebuilds', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const problems = watchConsole(page);
  await open(page, '?delay=0&workload=off');
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('setting-quorum').selectOption('strict');
  await expect(page.getByTestId('settings-note')).toContainText("strict: only the key's N replicas count");
  await shot(page, 'lab-settings-strict');
  await applySettings(page);
  await page.getByTestId('tab-faults').click();
  await expect(page.getByTestId('faults-timeline')).toContainText('strict quorums');
  // Once n1 believes n4 and n5 down, sloppy quorums would take stand-ins.
  await cutOffUntilDown(page, ['n4', 'n5']);
  const outcome = await page.evaluate(async () => {
    const { client, store } = window.kvscope;
    const acked: string[] = [];
    const errors: string[] = [];
    for (let i = 0; i < 20; i++) {
      const reply = await client.put(`strict-${i}`, `v-strict-${i}`, { coordinator: 'n1' as never });
      if (reply.ok) acked.push(`strict-${i}`);
      else if ('error' in reply) errors.push(`${reply.error.code}: ${reply.error.message}`);
    }
    const hints = Object.values(store.getState().hints)
      .flatMap((owners) => Object.values(owners))
      .reduce((sum, n) => sum + n, 0);
    return { acked, errors, hints };
  });
  // A key with one replica cut off still gathers W=2; one with two cut off fails, in a sentence.
  expect(outcome.acked.length).toBeGreaterThan(0);
  expect(outcome.errors.length).toBeGreaterThan(0);
  expect(outcome.acked.length + outcome.errors.length).toBe(20);
  for (const error of outcome.errors) expect(error).toMatch(/^KV_\w+: .*replica/);
  expect(outcome.hints).toBe(0);
  await shot(page, 'lab-strict-partition');

  await page.getByTestId('tab-faults').click();
  await page.getByTestId('heal').click();
  await page.getByTestId('wipe-n2').click();
  // The wiped replica pulls its ranges back from the others before it answers a read.
  await page.getByTestId('tab-log').click();
  await expect(page.getByTestId('event-log')).toContainText('n2 lost its disk: it pulls', {
    timeout: 30_000,
  });
  await expect(page.getByTestId('event-log')).toContainText(
    'n2 has its ranges back and answers reads again',
    { timeout: 30_000 },
  );
  await waitUp(page, fiveNodes);
  expect(await missing(page, outcome.acked, 3)).toEqual([]);
  // The screenshot shows n2's membership story: its rebuild, not the repairs and stores around it.
  const log = page.getByTestId('event-log');
  await log.getByRole('combobox', { name: 'node', exact: true }).selectOption('n2');
  for (const kind of ['storage', 'repair', 'request'])
    await log.getByRole('checkbox', { name: kind }).uncheck();
  await shot(page, 'lab-strict-rebuilt');
  expect(problems).toEqual([]);
});

test('the phi-accrual detector: each node convicts a killed one on its own φ, shown in the inspector', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await open(page, '?delay=0&workload=off');
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('setting-detector').selectOption('phi');
  await applySettings(page);
  await page.getByTestId('tab-faults').click();
  await expect(page.getByTestId('faults-timeline')).toContainText('phi detector');
  // Let φ learn the heartbeats' rhythm for a few gossip rounds before the kill.
  await page.waitForTimeout(4_000);
  await page.getByTestId('kill-n4').click();
  await page.getByTestId('tab-gossip').click();
  for (const observer of ['n1', 'n2', 'n3', 'n5'])
    await expect(page.getByTestId(`belief-${observer}-n4`)).toHaveText(/down/, { timeout: 30_000 });
  await page.getByTestId('tab-log').click();
  await expect(page.getByTestId('event-log')).toContainText(
    'n1 declares n4 down on its own evidence: φ reached the phi-accrual threshold',
  );
  await page.getByTestId('row-n1').getByRole('button', { name: 'Inspect n1' }).click();
  const table = page.getByTestId('inspector-membership');
  await expect(table.getByRole('columnheader', { name: 'φ' })).toBeVisible({ timeout: 5_000 });
  // The inspector shows the snapshot it last polled, which may predate the conviction: wait for it.
  const phiOfN4 = table.getByRole('row').filter({ hasText: 'n4' }).getByRole('cell').last();
  await expect
    .poll(async () => {
      const phi = (await phiOfN4.textContent()) ?? '';
      return phi === '> 99' || Number(phi) >= 8;
    })
    .toBe(true);
  await table.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/e2e/lab-phi-detector.png' });
  expect(problems).toEqual([]);
});

test('a 4 KiB memtable: the workload alone makes the nodes flush tables and compact them', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await open(page, '?delay=0&workload=off');
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('setting-memtableBytes').selectOption(String(4 * 1024));
  await expect(page.getByTestId('memtable-note')).toContainText('tables and compactions appear');
  await applySettings(page);
  await page.getByTestId('tab-faults').click();
  await expect(page.getByTestId('faults-timeline')).toContainText('memtable 4 KiB');
  // ~300 replica writes per node: a flush every ~50, and a compaction once four tables are there.
  const acked = await writeKeys(page, 'small-', 500);
  expect(acked.length).toBe(500);
  await page.getByTestId('row-n1').getByRole('button', { name: 'Inspect n1' }).click();
  await expect(page.getByTestId('node-inspector')).toContainText('of 4.0 KiB', { timeout: 5_000 });
  await expect(page.getByTestId('node-inspector').locator('[data-table]').first()).toBeVisible();
  await page.getByTestId('tab-log').click();
  await expect(page.getByTestId('event-log')).toContainText('flushed its memtable');
  await expect(page.getByTestId('event-log')).toContainText('compacted');
  await page.getByTestId('tab-inspector').click();
  await page.getByTestId('row-n1').getByRole('button', { name: 'Inspect n1' }).click();
  await page.screenshot({ path: 'test-results/e2e/lab-small-memtable.png' });
  expect(await missing(page, acked.slice(0, 60), 3)).toEqual([]);
  expect(problems).toEqual([]);
});

test('new settings keep the data, and the live check judges the run across them', async ({ page }) => {
  const problems = watchConsole(page);
  await open(page, '?delay=0&workload=off');
  const before = await writeKeys(page, 'kept-', 20);
  await page.getByTestId('tab-settings').click();
  // The conflict mode says what it does with two writes neither of which saw the other.
  await expect(page.getByTestId('conflicts-note')).toContainText('both kept, as siblings');
  await page.getByTestId('setting-conflictMode').selectOption('lww');
  await expect(page.getByTestId('conflicts-note')).toContainText(
    'only the version with the latest timestamp',
  );
  await page.getByTestId('setting-conflictMode').selectOption('siblings');
  await page.getByTestId('setting-quorum').selectOption('strict');
  await applySettings(page);
  // Read back under the new settings through the page's client: the history records these reads.
  expect(await missing(page, before, 2)).toEqual([]);
  await page.getByTestId('tab-runs').click();
  await expect(page.getByTestId('live-run-size')).toContainText('ran under 2 settings');
  await page.getByTestId('live-run-check').click();
  // The reads returned writes from before the change: sound, since the history holds them too.
  await expect(page.getByTestId('live-run-valid')).toContainText('✓ every promised property held', {
    timeout: 20_000,
  });
  // Fresh reads were not promised while the quorums were sloppy, so not for the run.
  await expect(page.getByTestId('live-run-P4')).toContainText('not promised here');
  expect(problems).toEqual([]);
});
