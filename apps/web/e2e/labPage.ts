/**
 * What every E2E spec does with the lab page: open it and wait for the nodes, watch the console,
 * write keys and read them back through the page's own client (`window.kvscope`), and save
 * screenshots (to test-results/e2e/, and to docs/screenshots/ for the pictures the docs show).
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';

export const fiveNodes = ['n1', 'n2', 'n3', 'n4', 'n5'];

/** Saves a screenshot of the page's top; `docs` also copies it to docs/screenshots/. */
export async function shot(page: Page, name: string, docs = false): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `test-results/e2e/${name}.png` });
  if (!docs) return;
  mkdirSync('docs/screenshots', { recursive: true });
  copyFileSync(`test-results/e2e/${name}.png`, `docs/screenshots/${name}.png`);
}

/** Collects console errors, warnings and uncaught exceptions (a test expects none). */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(err.message));
  return problems;
}

export async function waitUp(page: Page, ids: string[]): Promise<void> {
  for (const id of ids) await expect(page.getByTestId(`status-${id}`)).toHaveText('up', { timeout: 20_000 });
}

/**
 * Applies the settings chosen on the Settings tab and waits until every node has restarted under
 * them: the button says it is applying until the cluster has stopped and started its workers (the
 * nodes show 'up' all along while they stop, so waiting for 'up' alone could pass before it began).
 */
export async function applySettings(page: Page, ids: string[] = fiveNodes): Promise<void> {
  const apply = page.getByTestId('apply-settings');
  await apply.click();
  await expect(apply).toHaveText('Apply (restarts every node)', { timeout: 30_000 });
  await waitUp(page, ids);
}

/** Opens the lab with `query` (e.g. `?delay=0&workload=off`) and waits until `ids` are up. */
export async function open(page: Page, query = '', ids = fiveNodes): Promise<void> {
  await page.goto(`/${query}`);
  await waitUp(page, ids);
}

/**
 * Cuts `ids` off from the other nodes (Faults → partition into groups), then waits on the gossip
 * tab until n1 believes each of them down: sloppy quorums take stand-ins only for replicas held down.
 */
export async function cutOffUntilDown(page: Page, ids: string[]): Promise<void> {
  await page.getByTestId('tab-faults').click();
  for (const id of ids) await page.getByTestId(`group-${id}`).selectOption('1');
  await page.getByTestId('partition').click();
  await page.getByTestId('tab-gossip').click();
  for (const id of ids)
    await expect(page.getByTestId(`belief-n1-${id}`)).toHaveText(/down/, { timeout: 30_000 });
}

/** Waits until the stand-ins hold no hint any more: gossip showed the owners back, and they took them. */
export async function waitHintsHandedOff(page: Page): Promise<void> {
  const held = () =>
    page.evaluate(() =>
      Object.values(window.kvscope.store.getState().hints)
        .flatMap((owners) => Object.values(owners))
        .reduce((sum, n) => sum + n, 0),
    );
  await expect.poll(held, { timeout: 40_000 }).toBe(0);
}

/**
 * Puts keys `prefix0…` with values `v-<key>`, 4 at a time; returns the acknowledged ones. A put whose
 * outcome is unknown (`info`: at full speed a request times out after 200 ms) is tried again, up to
 * three attempts in all, as putEachVia does. With a 4 KiB memtable a node flushes a table and
 * compacts within one step; on a slow disk such steps took up to 130 ms, and 1–11 of 500 puts timed
 * out (settings.spec.ts).
 */
export async function writeKeys(page: Page, prefix: string, count: number): Promise<string[]> {
  return page.evaluate(
    async ({ prefix, count }) => {
      const { client } = window.kvscope;
      const acked: string[] = [];
      let next = 0;
      const worker = async () => {
        while (next < count) {
          const key = `${prefix}${next++}`;
          const put = () => client.put(key, `v-${key}`, { record: false });
          let reply = await put();
          for (let retry = 0; retry < 2 && !reply.ok && reply.outcome === 'info'; retry++)
            reply = await put();
          if (reply.ok) acked.push(key);
          await new Promise((r) => setTimeout(r, 5));
        }
      };
      await Promise.all(Array.from({ length: 4 }, worker));
      return acked;
    },
    { prefix, count },
  );
}

/**
 * Puts keys `prefix0…` with values `v-<key>` one at a time through `coordinator`; returns the
 * acknowledged ones. At full speed a request times out after 200 ms, and on a loaded machine a put
 * now and then does: its outcome is unknown (`info`), and like a client this retries it, up to three
 * attempts in all (twice in a row was seen with another test run and a CPU burner on two cores).
 */
export async function putEachVia(page: Page, coordinator: string, prefix: string, count: number) {
  return page.evaluate(
    async ({ coordinator, prefix, count }) => {
      const { client } = window.kvscope;
      const acked: string[] = [];
      for (let i = 0; i < count; i++) {
        const key = `${prefix}${i}`;
        const put = () => client.put(key, `v-${key}`, { coordinator: coordinator as never });
        let reply = await put();
        for (let retry = 0; retry < 2 && !reply.ok && reply.outcome === 'info'; retry++) reply = await put();
        if (reply.ok) acked.push(key);
      }
      return acked;
    },
    { coordinator, prefix, count },
  );
}

/**
 * Reads each key with `r` through `coordinator` (or any node); returns those missing `v-<key>`. A
 * read that fails (at full speed a replica has 200 ms to answer, and on a loaded machine one now
 * and then does not) says nothing about the data: it is tried again, up to three times in all, and
 * a key counts as missing when a read succeeds without the value or every read fails.
 */
export async function missing(
  page: Page,
  keys: string[],
  r: number,
  coordinator?: string,
): Promise<string[]> {
  return page.evaluate(
    async ({ keys, r, coordinator }) => {
      const { client } = window.kvscope;
      const decoder = new TextDecoder();
      const lost: string[] = [];
      for (const key of keys) {
        const options = { r, record: false, ...(coordinator ? { coordinator: coordinator as never } : {}) };
        let reply = await client.get(key, options);
        for (let tries = 1; !reply.ok && tries < 3; tries++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          reply = await client.get(key, options);
        }
        const values =
          reply.ok && reply.type === 'get'
            ? reply.siblings.map((v) => (v.value ? decoder.decode(v.value) : null))
            : [];
        if (!values.includes(`v-${key}`))
          lost.push(`${key}: ${JSON.stringify(reply.ok ? values : reply.error)}`);
      }
      return lost;
    },
    { keys, r, coordinator },
  );
}
