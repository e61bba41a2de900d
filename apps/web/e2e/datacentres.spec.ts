/**
 * Data centres in the live lab: the settings switch the cluster to two data centres (n1–n3 west,
 * n4–n5 east, replicas west 2 + east 1), the cluster view groups the nodes by data centre, and
 * cutting east off keeps LOCAL_QUORUM writes through a west node acknowledged by west's replicas
 * while EACH_QUORUM, which needs east, times out; restoring the links brings EACH_QUORUM back.
 * The screenshot docs/screenshots/lab-datacentres.png shows the cluster with east cut off.
 * Every node places keys as the page does (EACH_QUORUM is acknowledged by exactly the replicas the
 * page lists), and powering east off keeps west serving LOCAL_QUORUM.
 */
import { expect, type Page, test } from '@playwright/test';
import { applySettings, fiveNodes, open, shot, waitUp, watchConsole } from './labPage.ts';

test('two data centres: cut off east, LOCAL_QUORUM in west still succeeds while EACH_QUORUM times out', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await open(page, '?delay=20&workload=off');
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('setting-dataCentres').selectOption('2');
  await expect(page.getByTestId('setting-n-sum')).toHaveText('= 3 (west 2 + east 1)');
  // Three replicas in east, which has two nodes, is refused with a sentence.
  await page.getByTestId('setting-replicas-east').fill('3');
  await expect(page.getByTestId('settings-note')).toHaveText(
    'east has 2 nodes but is asked to keep 3 replicas of every key; choose at most 2.',
  );
  await expect(page.getByTestId('apply-settings')).toBeDisabled();
  await page.getByTestId('setting-replicas-east').fill('1');
  await applySettings(page);
  await expect(page.getByTestId('dc-west')).toBeVisible();

  // The cluster view: a band per data centre, dotted links between them.
  await expect(page.getByTestId('dc-west')).toContainText('west data centre · 3 nodes');
  await expect(page.getByTestId('dc-east')).toContainText('east data centre · 2 nodes');
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

/** Puts `key` through n1 at `level` from the client panel; returns the result's text. */
async function putVia(page: Page, key: string, level: string): Promise<string> {
  await page.getByTestId('client-key').fill(key);
  await page.getByTestId('client-node').selectOption('n1');
  await page.getByTestId('client-quorum').selectOption(level);
  const before = await page.evaluate(() => window.kvscope.client.lastRequestId);
  await page.getByTestId('client-put').click();
  await page.waitForFunction((before) => {
    const { client, store } = window.kvscope;
    const id = client.lastRequestId;
    return (
      id !== before && store.getState().requests.some((r) => r.requestId === id && r.finishedAt !== null)
    );
  }, before);
  await expect(page.getByTestId('client-put')).toBeEnabled();
  return (await page.getByTestId('client-result').textContent()) ?? '';
}

/** Opens the lab at full speed, switches it to two data centres (west 2 + east 1) and waits for the nodes. */
async function openTwoDataCentres(page: Page): Promise<void> {
  await open(page, '?delay=0&workload=off');
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('setting-dataCentres').selectOption('2');
  await applySettings(page);
  await expect(page.getByTestId('dc-west')).toBeVisible();
}

/** EACH_QUORUM puts of five keys are acknowledged by exactly the replicas the page lists for each. */
async function expectAcksFromListedReplicas(page: Page): Promise<void> {
  for (const key of ['apple', 'pear', 'plum', 'fig', 'kiwi']) {
    await page.getByTestId('client-key').fill(key);
    const listed = (await page.getByTestId('client-replicas').textContent()) ?? '';
    const replicas = listed.match(/n\d/g)?.slice(0, 3) ?? [];
    const result = await putVia(page, key, 'EACH_QUORUM');
    expect(result).toContain('put acknowledged by');
    const acked = result.match(/acknowledged by ([n\d, ]+)/)?.[1]?.match(/n\d/g) ?? [];
    expect([...acked].sort()).toEqual([...replicas].sort());
  }
}

test('with two data centres the nodes place keys as the page does, and west serves while east is powered off', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await openTwoDataCentres(page);
  await expect(page.getByTestId('row-n4')).toContainText('east');
  // EACH_QUORUM with west 2 + east 1 is acknowledged by exactly the key's replicas: the ones the
  // page lists, so every node has the same data centres and placement as the page.
  await expectAcksFromListedReplicas(page);
  await page.getByTestId('tab-faults').click();
  await page.getByTestId('power-off-east').click();
  for (const id of ['n4', 'n5']) await expect(page.getByTestId(`status-${id}`)).toHaveText('crashed');
  expect(await putVia(page, 'apple', 'LOCAL_QUORUM')).toContain('(west 2, east 0)');
  await page.getByTestId('dc-restore').click();
  await waitUp(page, ['n4', 'n5']);
  // A reload reopens the same two data centres: the settings are saved, the rings on disk agree.
  await page.reload();
  await waitUp(page, fiveNodes);
  await expect(page.getByTestId('dc-east')).toContainText('2 nodes');
  expect(await putVia(page, 'apple', 'EACH_QUORUM')).toContain('(west 2, east 1)');
  expect(problems).toEqual([]);
});

test('a node added to two data centres joins the one with fewer nodes, and the nodes place keys with it as the page does', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await openTwoDataCentres(page);
  await page.getByTestId('add-node').click();
  await expect(page.getByTestId('status-n6')).toHaveText('up', { timeout: 30_000 });
  await expect(page.getByTestId('row-n6')).toContainText('east');
  await expect(page.getByTestId('dc-east')).toContainText('3 nodes');
  await expectAcksFromListedReplicas(page);
  expect(problems).toEqual([]);
});
