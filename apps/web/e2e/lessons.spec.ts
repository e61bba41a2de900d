/**
 * The lessons end to end: the quorum lesson opened from a link, walked as a learner would — commit
 * to a prediction, act on the live cluster (kill a replica of the key, put it), see the bar notice
 * it, go on — through a second replica killed (a sloppy quorum takes a stand-in once gossip holds
 * them down) and both restarted, then R=1, W=1 and back through the bar's set-up. Next stays shut
 * until the step's prediction and action are done, and a kill of a node that is not one of the
 * key's replicas does not count. The failure-detection lesson's first step: a put forwarded to a
 * replica killed a moment ago comes back "unknown", and the trace tells why. Refreshes
 * docs/screenshots/lab-lesson.png.
 */
import { expect, type Page, test } from '@playwright/test';
import { open, shot, watchConsole } from './labPage.ts';

/** Puts `key` through the page's client (a learner's request) until one is acknowledged. */
async function putUntilAcknowledged(page: Page, key: string): Promise<void> {
  await expect
    .poll(
      () =>
        page.evaluate(
          async (key) => (await window.kvscope.client.put(key, 'v', { timeoutMs: 3_000 })).ok,
          key,
        ),
      { timeout: 40_000, intervals: [500] },
    )
    .toBe(true);
}

test('the quorum lesson: predict, kill a replica, put, and the bar sees it done', async ({ page }) => {
  const problems = watchConsole(page);
  await open(page, '?lesson=quorums&delay=0&workload=off');
  const bar = page.getByTestId('lesson-bar');
  await expect(page.getByTestId('lesson-step')).toHaveText('Step 1 of 5: One replica down');
  await expect(page.getByTestId('lesson-next')).toBeDisabled();
  await expect(page.getByTestId('lesson-act')).toHaveCount(0); // the prediction comes first

  await page.getByTestId('lesson-option-0').check();
  await page.getByTestId('lesson-reveal').click();
  await expect(page.getByTestId('lesson-verdict')).toContainText('Right');
  await expect(page.getByTestId('lesson-act')).toHaveAttribute('data-done', 'no');

  await page.getByTestId('client-key').fill('apple');
  const replicas = (await page.getByTestId('client-replicas').textContent())?.match(/: (n\d), (n\d), (n\d)/);
  expect(replicas).not.toBeNull();
  const [, first, second] = replicas as RegExpMatchArray;
  const bystander = ['n1', 'n2', 'n3', 'n4', 'n5'].find((id) => !replicas?.slice(1).includes(id)) as string;
  // A node that holds no copy of apple: the put still succeeds, but that is not the lesson.
  await page.getByTestId(`kill-${bystander}`).click();
  await putUntilAcknowledged(page, 'apple');
  await expect(page.getByTestId('lesson-act')).toHaveAttribute('data-done', 'no');
  await page.getByTestId(`restart-${bystander}`).click();
  await expect(page.getByTestId(`status-${bystander}`)).toHaveText('up', { timeout: 20_000 });

  await page.getByTestId(`kill-${first}`).click();
  await putUntilAcknowledged(page, 'apple');
  await expect(page.getByTestId('lesson-act')).toHaveAttribute('data-done', 'yes');
  await page.getByTestId('lesson-next').click();

  await expect(page.getByTestId('lesson-step')).toHaveText('Step 2 of 5: Two replicas down');
  await page.getByTestId('lesson-option-0').check();
  await page.getByTestId('lesson-reveal').click();
  await expect(page.getByTestId('lesson-verdict')).toContainText('Not quite');
  await page.getByTestId(`kill-${second}`).click();
  await putUntilAcknowledged(page, 'apple');
  await expect(page.getByTestId('lesson-act')).toHaveAttribute('data-done', 'yes');
  await expect(page.getByTestId('lesson-check')).toContainText('stand-in');
  // The trace the check points at comes with the coordinator's next batch of events, and names
  // the stand-in that took the write for a dead replica.
  await expect(page.getByTestId('trace')).toContainText('coordinated put apple');
  await expect(page.getByTestId('trace')).toContainText(/stand-in for (n\d)/);
  await shot(page, 'lab-lesson', true);
  await page.getByTestId('lesson-next').click();

  await expect(page.getByTestId('lesson-step')).toHaveText('Step 3 of 5: Bring them back');
  for (const id of [first, second]) await page.getByTestId(`restart-${id}`).click();
  await expect(page.getByTestId('lesson-act')).toHaveAttribute('data-done', 'yes', { timeout: 20_000 });
  await page.getByTestId('lesson-next').click();

  // R=1, W=1 and back, each applied by the bar's "Apply it for me".
  await expect(page.getByTestId('lesson-step')).toHaveText('Step 4 of 5: Quorums that need not meet');
  await page.getByTestId('lesson-option-1').check();
  await page.getByTestId('lesson-reveal').click();
  await expect(page.getByTestId('lesson-verdict')).toContainText('Right');
  await page.getByTestId('lesson-setup').click();
  await expect(page.getByTestId('lesson-act')).toHaveAttribute('data-done', 'yes', { timeout: 20_000 });
  await expect(page.getByTestId('lesson-check')).toContainText('stale reads plot');
  await page.getByTestId('lesson-next').click();
  await expect(page.getByTestId('lesson-step')).toHaveText('Step 5 of 5: Quorums that meet');
  await page.getByTestId('lesson-setup').click();
  await expect(page.getByTestId('lesson-act')).toHaveAttribute('data-done', 'yes', { timeout: 20_000 });
  await page.getByTestId('lesson-next').click();
  // The last step's Next opens the next lesson.
  await expect(page.getByTestId('lesson-choice')).toHaveValue('versioning');
  await expect(page.getByTestId('lesson-step')).toHaveText('Step 1 of 5: Two writers, no context');
  await page.getByTestId('lesson-close').click();
  await expect(bar).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('a set-up step applies its settings for the learner, and the bar sees them applied', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await open(page, '?lesson=data-centres&delay=0&workload=off');
  await expect(page.getByTestId('lesson-step')).toHaveText('Step 1 of 3: Two data centres');
  await expect(page.getByTestId('lesson-act')).toHaveAttribute('data-done', 'no');
  await page.getByTestId('lesson-setup').click();
  await expect(page.getByTestId('lesson-act')).toHaveAttribute('data-done', 'yes', { timeout: 30_000 });
  await expect(page.getByTestId('lesson-setup')).toHaveCount(0);
  await page.getByTestId('tab-settings').click();
  await expect(page.getByTestId('setting-dataCentres')).toHaveValue('2');
  expect(problems).toEqual([]);
});

test('the failure-detection lesson: a put forwarded to a replica nobody suspects yet comes back unknown', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await open(page, '?lesson=failure-detection&delay=0&workload=off');
  await expect(page.getByTestId('lesson-step')).toHaveText('Step 1 of 3: Before anyone knows');
  await page.getByTestId('lesson-option-2').check();
  await page.getByTestId('lesson-reveal').click();
  await expect(page.getByTestId('lesson-verdict')).toContainText('Right');

  await page.getByTestId('client-key').fill('apple');
  const listed = (await page.getByTestId('client-replicas').textContent()) ?? '';
  const [, first] = /: (n\d), (n\d), (n\d)/.exec(listed) ?? [];
  const [, fallback] = /fallbacks (n\d)/.exec(listed) ?? [];
  expect(first).toMatch(/^n\d$/);
  expect(fallback).toMatch(/^n\d$/);
  expect(fallback).not.toBe(first);
  // At once, before gossip can suspect it (5 s at full speed): the fallback forwards to the dead node.
  await page.getByTestId(`kill-${first}`).click();
  await page.getByTestId('client-node').selectOption(fallback as string);
  await page.getByTestId('client-put').click();
  await expect(page.getByTestId('client-result')).toContainText(`forwarded to ${first}`, { timeout: 10_000 });
  await expect(page.getByTestId('lesson-act')).toHaveAttribute('data-done', 'yes');
  await expect(page.getByTestId('trace-outcome')).toHaveText('not coordinated (outcome unknown)');
  await expect(page.getByTestId('trace-steps')).toContainText(`${fallback} gave up after`);
  expect(problems).toEqual([]);
});
