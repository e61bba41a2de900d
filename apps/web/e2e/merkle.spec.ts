/**
 * The Merkle-diff tab end to end: with nothing to repair it says how to make a difference; after a
 * node's disk is wiped, "Repair now" shows exchanges that repaired keys, the comparison descending
 * into differing branches below the root, and the bytes they cost beside a full digest list.
 * Refreshes docs/screenshots/lab-merkle-diff.png.
 */
import { expect, test } from '@playwright/test';
import { open, shot, watchConsole, writeKeys } from './labPage.ts';

test('a wiped node repaired by anti-entropy shows the differing branches and the bytes exchanged', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await open(page, '?delay=0&workload=off');
  await page.getByTestId('tab-merkle').click();
  await expect(page.getByTestId('merkle-empty')).toContainText('Wipe a node (Faults) or partition and heal');
  await expect(page.getByTestId('merkle-repair-now')).toBeVisible();

  // Enough keys that a range holds more than a bucket (4 keys): the comparison must descend.
  const acked = await writeKeys(page, 'merkle-', 300);
  expect(acked.length).toBeGreaterThan(250);
  await page.getByTestId('wipe-n2').click();
  await expect(page.getByTestId('status-n2')).toHaveText('up', { timeout: 20_000 });
  await page.getByTestId('merkle-repair-now').click();

  const descended = () =>
    page.evaluate(
      () =>
        window.kvscope.store
          .getState()
          .exchanges.filter(
            (x) =>
              x.done?.outcome === 'repaired' &&
              x.done.keysRepaired > 0 &&
              x.levels.some((l) => l.depth >= 1 && l.differing > 0),
          )
          .map((x) => x.key)
          .at(-1) ?? null,
    );
  await expect.poll(descended, { timeout: 20_000 }).not.toBeNull();
  await expect(page.getByTestId('merkle-empty')).toHaveCount(0);
  const key = (await descended()) as string;
  await page.locator(`[data-testid="merkle-exchange"][data-key="${key}"]`).click();

  await expect(page.getByTestId('merkle-outcome')).toHaveText('repaired');
  const repairedText = await page.getByTestId('merkle-keys-repaired').textContent();
  expect(Number(/Keys repaired: (\d+)/.exec(repairedText ?? '')?.[1])).toBeGreaterThan(0);
  await expect(page.getByTestId('merkle-keys-repaired')).toContainText('n2 ←');
  await expect(page.locator('[data-testid="merkle-row-0"] [data-verdict="differing"]')).toHaveCount(1);
  expect(
    await page.locator('[data-testid="merkle-row-1"] [data-verdict="differing"]').count(),
  ).toBeGreaterThan(0);
  await expect(page.getByTestId('merkle-bytes')).toContainText(/\d[\d.,]* (B|KiB) in \d+ messages/);
  await expect(page.getByTestId('merkle-full-estimate')).toContainText(/estimate: \d+ keys/);
  await shot(page, 'lab-merkle-diff', true);
  expect(problems).toEqual([]);
});
