/**
 * The foundation's end-to-end check: the built lab opens with 5 live nodes, each in its own worker,
 * exchanging messages; killing one makes the others stop hearing from it; restarting it brings it
 * back. Screenshots go to test-results/e2e/ (and the README's picture is refreshed from there).
 */
import { expect, type Page, test } from '@playwright/test';

const ids = ['n1', 'n2', 'n3', 'n4', 'n5'];

async function deliveredCount(page: Page): Promise<number> {
  const text = (await page.getByTestId('counters').textContent()) ?? '';
  return Number(/(\d+) delivered/.exec(text)?.[1] ?? 0);
}

test('five nodes in five workers exchange messages; a killed node falls silent and comes back', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));

  await page.goto('/');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  for (const id of ids) await expect(page.getByTestId(`status-${id}`)).toHaveText('up');
  expect(page.workers().length).toBe(5);

  // Messages flow and are drawn in flight.
  await expect.poll(() => deliveredCount(page)).toBeGreaterThan(40);
  await expect.poll(() => page.locator('[data-testid="flights"] > g').count()).toBeGreaterThan(0);
  await page.screenshot({ path: 'test-results/e2e/lab-running.png' });

  // Kill n3: its worker is terminated, and every other node stops hearing from it.
  await page.getByTestId('kill-n3').click();
  await expect(page.getByTestId('status-n3')).toHaveText('crashed');
  await expect.poll(() => page.workers().length).toBe(4);
  for (const id of ['n1', 'n2', 'n4', 'n5']) {
    await expect(page.getByTestId(`hears-${id}`)).toHaveText('all but n3', { timeout: 10_000 });
  }
  await expect(page.getByTestId('event-log')).toContainText('stopped hearing from n3');
  await page.screenshot({ path: 'test-results/e2e/lab-n3-killed.png' });

  // Restart it: a new worker, new channels, and everyone hears it again.
  await page.getByTestId('restart-n3').click();
  await expect(page.getByTestId('status-n3')).toHaveText('up');
  for (const id of ['n1', 'n2', 'n4', 'n5']) {
    await expect(page.getByTestId(`hears-${id}`)).toHaveText('everyone', { timeout: 10_000 });
  }
  await page.screenshot({ path: 'test-results/e2e/lab-n3-restarted.png' });
  expect(errors).toEqual([]);
});
