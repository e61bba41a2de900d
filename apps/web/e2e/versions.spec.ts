/**
 * The Versions tab end to end: two blind writes through different coordinators are siblings in
 * every replica; Merge writes one version that saw both, and they are drawn replaced above it; a
 * replica paused through the next write still holds the older version (stale) until it resumes and
 * takes the newer one. Refreshes docs/screenshots/lab-versions.png (the stale replica).
 */
import { expect, type Page, test } from '@playwright/test';
import { applySettings, open, shot, watchConsole } from './labPage.ts';

const items = (page: Page, status: string) =>
  page.locator(`[data-testid="version-item"][data-status="${status}"]`);

test('siblings, their merge, and a replica that missed a write, as the graph of versions', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await open(page, '?delay=0&workload=off');
  await page.getByTestId('client-key').fill('pear');
  for (const [value, via] of [
    ['red', 'n1'],
    ['green', 'n2'],
  ]) {
    await page.getByTestId('client-value').fill(value as string);
    await page.getByTestId('client-node').selectOption(via as string);
    await page.getByTestId('client-put').click();
    await expect(page.getByTestId('client-result')).toContainText('put acknowledged by', { timeout: 10_000 });
  }
  const replicas = (await page.getByTestId('client-replicas').textContent())?.match(/: (n\d), (n\d), (n\d)/);
  expect(replicas).not.toBeNull();
  const [, first, , third] = replicas as RegExpMatchArray;

  await page.getByTestId('tab-versions').click();
  await expect(page.getByTestId('versions-key')).toHaveValue('pear');
  // Every replica has both blind writes (W=2 acknowledged two; the third took them a moment later).
  await expect(items(page, 'sibling')).toHaveCount(2, { timeout: 10_000 });
  await expect(items(page, 'sibling').first()).toContainText('held by', { timeout: 10_000 });
  for (const value of ['red', 'green'])
    await expect(page.getByTestId('version-list')).toContainText(`“${value}”`);

  await page.getByTestId('versions-value').fill('blue');
  await page.getByTestId('versions-merge').click();
  await expect(page.getByTestId('versions-result')).toContainText('merged 2 siblings into “blue”');
  await expect(items(page, 'latest')).toHaveCount(1, { timeout: 10_000 });
  await expect(items(page, 'latest')).toContainText('“blue”');
  await expect(items(page, 'latest')).toContainText(/saw n\d:\d+, n\d:\d+/);
  await expect(items(page, 'replaced')).toHaveCount(2, { timeout: 10_000 });
  await expect(page.getByTestId('versions-merge')).toHaveCount(0);

  // The third replica, paused, misses the next write (made with a get's context, as a client does),
  // coordinated by the first replica: a paused coordinator would hold the request itself.
  await expect(items(page, 'latest')).toContainText(`${third}`, { timeout: 10_000 });
  await page.getByTestId(`pause-${third}`).click();
  const written = await page.evaluate(async (via) => {
    const { client } = window.kvscope;
    const coordinator = via as never;
    const read = await client.get('pear', { coordinator });
    if (!read.ok || read.type !== 'get') return 'get failed';
    const put = await client.put('pear', 'yellow', { context: read.context, coordinator });
    return put.ok ? 'ok' : put.error.code;
  }, first as string);
  expect(written).toBe('ok');
  await expect(items(page, 'stale')).toHaveCount(1, { timeout: 10_000 });
  await expect(items(page, 'stale')).toContainText(`“blue”`);
  await expect(items(page, 'stale')).toContainText(`held by ${third}`);
  await expect(items(page, 'latest')).toContainText('“yellow”');
  await shot(page, 'lab-versions', true);

  // Resumed, it takes the write it held back: no stale version is left.
  await page.getByTestId(`resume-${third}`).click();
  await expect(items(page, 'stale')).toHaveCount(0, { timeout: 15_000 });
  await expect(items(page, 'latest')).toContainText(third as string, { timeout: 15_000 });
  expect(problems).toEqual([]);
});

test('last write wins with a clock set behind: the later write is lost, and the lab says why', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await open(page, '?delay=0&workload=off');
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('setting-conflictMode').selectOption('lww');
  await applySettings(page);
  await page.getByTestId('client-key').fill('quince');
  const replicas = (await page.getByTestId('client-replicas').textContent())?.match(/: (n\d), (n\d), (n\d)/);
  expect(replicas).not.toBeNull();
  const [, first, second] = replicas as RegExpMatchArray;

  // The first replica's clock runs 10 s behind: it stamps what it coordinates 10 s early.
  await page.getByTestId('tab-faults').click();
  await page.getByTestId('clock-node').selectOption(first as string);
  await page.getByTestId('clock-skew').selectOption('-10000');
  await page.getByTestId('set-clock').click();
  await expect(page.getByTestId(`clock-${first}`)).toHaveText('· clock 10 s behind');
  await expect(page.getByTestId('clock-note')).toContainText(`${first}'s clock runs 10 s behind`);
  await expect(page.getByTestId('fault-selected')).toContainText(`${first}'s clock set 10 s behind`);

  // A replica coordinates its own request: "older" through the second, "newer" after it through the first.
  for (const [value, via] of [
    ['older', second],
    ['newer', first],
  ]) {
    await page.getByTestId('client-value').fill(value as string);
    await page.getByTestId('client-node').selectOption(via as string);
    await page.getByTestId('client-put').click();
    await expect(page.getByTestId('client-result')).toContainText(`put acknowledged by`, { timeout: 10_000 });
    await expect(page.getByTestId('client-result')).toContainText(`via ${via}`);
  }
  await page.getByTestId('client-get').click();
  await expect(page.getByTestId('client-sibling')).toHaveCount(1, { timeout: 10_000 });
  await expect(page.getByTestId('client-sibling')).toContainText('older');
  await expect(page.getByTestId('client-stamp')).toContainText(`on ${second}'s clock`);

  // Heal all sets the clock right, on the timeline too.
  await page.getByTestId('heal').click();
  await expect(page.getByTestId(`clock-${first}`)).toHaveCount(0);
  await expect(page.getByTestId('fault-selected')).toContainText(`${first}'s clock set right`);
  expect(problems).toEqual([]);
});
