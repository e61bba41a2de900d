/**
 * Data centres in the live lab: the settings switch the cluster to two data centres (n1–n3 west,
 * n4–n5 east, replicas west 2 + east 1), the cluster view groups the nodes by data centre, and
 * cutting east off keeps LOCAL_QUORUM writes through a west node acknowledged by west's replicas
 * while EACH_QUORUM, which needs east, times out; restoring the links brings EACH_QUORUM back.
 * The screenshot docs/screenshots/lab-datacentres.png shows the cluster with east cut off.
 */
import { expect, test } from '@playwright/test';
import { fiveNodes, open, shot, waitUp, watchConsole } from './labPage.ts';

test('two data centres: cut off east, LOCAL_QUORUM in west still succeeds while EACH_QUORUM times out', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await open(page, '?delay=20&workload=off');
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('setting-dataCentres').selectOption('2');
  await expect(page.getByTestId('setting-n-sum')).toHaveText('3 = 2 + 1');
  // Three replicas in east, which has two nodes, is refused with a sentence.
  await page.getByTestId('setting-replicas-east').fill('3');
  await expect(page.getByTestId('settings-note')).toHaveText(
    'east has 2 nodes but is asked to keep 3 replicas of every key; choose at most 2.',
  );
  await expect(page.getByTestId('apply-settings')).toBeDisabled();
  await page.getByTestId('setting-replicas-east').fill('1');
  await page.getByTestId('apply-settings').click();
  await expect(page.getByTestId('dc-west')).toBeVisible({ timeout: 10_000 });
  await waitUp(page, fiveNodes);

  // The cluster view: a band per data centre, dotted links between them.
  await expect(page.getByTestId('dc-west')).toContainText('west · data centre · 3 nodes');
  await expect(page.getByTestId('dc-east')).toContainText('east · data centre · 2 nodes');
  await expect(page.locator('[data-link="inter-dc"]')).toHaveCount(6);

  await page.getByTestId('client-key').fill('apple');
  await expect(page.getByTestId('client-replicas')).toContainText(/west n\d, n\d · east n[45]/);
  await page.getByTestId('client-node').selectOption('n1');
  await page.getByTestId('client-quorum').selectOption('LOCAL_QUORUM');
  await page.getByTestId('client-put').click();
  await expect(page.getByTestId('client-result')).toContainText('put acknowledged by', { timeout: 10_000 });

  await page.getByTestId('tab-faults').click();
  await expect(page.getByTestId('faults-timeline')).toContainText('west 2 + east 1');
  await page.getByTestId('cut-off-east').click();
  await expect(page.getByTestId('network-state')).toHaveText(/partitioned/);
  await expect(page.getByTestId('faults-timeline')).toContainText('dc-outage east');

  await page.getByTestId('client-value').fill('green');
  await page.getByTestId('client-put').click();
  await expect(page.getByTestId('client-result')).toContainText('put acknowledged by', { timeout: 10_000 });
  await expect(page.getByTestId('client-result')).toContainText('(west 2, east 0)');

  await page.getByTestId('client-quorum').selectOption('EACH_QUORUM');
  await page.getByTestId('client-put').click();
  await expect(page.getByTestId('client-result')).toContainText('KV_TIMEOUT', { timeout: 15_000 });
  await shot(page, 'lab-datacentres', true);

  await page.getByTestId('dc-restore').click();
  await expect(page.getByTestId('network-state')).toHaveText(/one network/);
  await expect(page.getByTestId('faults-timeline')).toContainText('dc-restore');
  await page.getByTestId('client-put').click();
  await expect(page.getByTestId('client-result')).toContainText('put acknowledged by', { timeout: 10_000 });
  await expect(page.getByTestId('client-result')).toContainText('east 1');
  expect(problems).toEqual([]);
});
