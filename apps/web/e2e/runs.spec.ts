/**
 * The Runs tab (SPEC §3: the lab loads the same scenario files and exports its runs in the same
 * format): a shipped scenario run in the page's simulator gives the trace hash the engine gives in
 * Node for the same file and seed, its report downloads, its replay scrubs and steps through the
 * recorded run, and its link runs it again; a file of the user's that asks for the impossible gets
 * its problem named, field first; a file of the user's is shared as a link that carries the file,
 * and a link cut short says so; a link asking for what the lab cannot do (too few nodes, a delay
 * that is no number, an unknown scenario or lesson) says so and is not used.
 * Screenshot: test-results/e2e/lab-runs.png.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { isKvError, parseScenarioText, runScenario } from '../../../packages/engine/src/index.ts';
import { open, shot, watchConsole } from './labPage.ts';

test('a shipped scenario runs in the page as on the command line, and an impossible one is refused', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await open(page, '?delay=0&workload=off');
  await page.getByTestId('tab-runs').click();
  // Every shipped scenario file is offered, and not the schema beside them (the build listed it once).
  const shipped = readdirSync('public/scenarios')
    .filter((f) => f.endsWith('.json') && f !== 'scenario.schema.json')
    .map((f) => f.replace(/\.json$/, ''));
  await expect(page.getByTestId('scenario-select').locator('option')).toHaveText(shipped.sort());
  await page.getByTestId('scenario-select').selectOption({ label: 'jepsen-set' });
  await page.getByTestId('scenario-seed').fill('7');
  await page.getByTestId('scenario-run').click();
  await expect(page.getByTestId('scenario-verdict')).toHaveText('Every promised property held.', {
    timeout: 30_000,
  });
  // The same file and seed in Node, through the engine the command line runs.
  const scenario = parseScenarioText(readFileSync('public/scenarios/jepsen-set.json', 'utf8'));
  if (isKvError(scenario)) throw scenario;
  const inNode = runScenario(scenario, { seed: 7 });
  if (isKvError(inNode)) throw inNode;
  await expect(page.getByTestId('scenario-trace-hash')).toHaveText(inNode.traceHash);
  await expect(page.getByTestId('scenario-summary')).toContainText(
    'replay: npx kvscope run public/scenarios/jepsen-set.json --seed 7',
  );
  const download = page.waitForEvent('download');
  await page.getByTestId('scenario-download').click();
  const report = JSON.parse(readFileSync(await (await download).path(), 'utf8'));
  expect(report).toMatchObject({ name: 'jepsen-set', seed: 7, traceHash: inNode.traceHash, valid: true });
  expect(report.history).toHaveLength(inNode.history.length);
  await shot(page, 'lab-runs');
  // The run replayed: at the partition (10 s) the recorded messages are on the wire and the six
  // links between {n1, n2} and {n3, n4, n5} are drawn cut; stepping moves to the next message sent
  // or delivered.
  const replay = page.getByTestId('replay');
  await replay.getByTestId('replay-faults').getByRole('button', { name: '10.000 s' }).click();
  await expect(page.getByTestId('replay-time')).toContainText('t = 10.000000 s of ');
  await expect(replay.locator('line[data-cut]')).toHaveCount(6);
  await page.getByTestId('replay-step').click();
  await expect(page.getByTestId('replay-time')).not.toContainText('t = 10.000000 s of ');
  await expect(page.getByTestId('replay-time')).toContainText(/[1-9]\d* in flight/);
  await expect(replay.getByTestId('replay-faults').locator('li').first()).toContainText('✓');
  await expect(replay.locator('[data-testid^="node-"]')).toHaveCount(5);
  await expect(page.getByTestId('replay-operations')).toContainText(/\d+ in progress/);
  await expect(page.getByTestId('replay-operations')).toContainText(/last done: p\d+ add /);
  // An operation of the history, chosen, shows its request's trace as the live lab draws one.
  await page.getByTestId('replay-operations').getByTestId('replay-operation').last().click();
  await expect(page.getByTestId('replay-trace')).toContainText(/coordinated (put|get) jepsen-set/);
  // The instant is shared too: the link reruns the run and the replay opens where it was.
  const moment = (await page.getByTestId('replay-time').textContent())?.match(/t = ([\d.]+) s/)?.[1];
  await page.getByTestId('replay-link').click();
  await expect(page).toHaveURL(/[?&]run=jepsen-set&seed=7&t=/);
  await expect(page.getByTestId('replay-time')).toContainText(`t = ${moment} s of `, { timeout: 30_000 });
  await replay.getByTestId('replay-faults').getByRole('button', { name: '30.000 s' }).click();
  await expect(replay.locator('line[data-cut]')).toHaveCount(0);
  // A run is shared as a link: opened, it runs the same scenario and seed again.
  await page.getByTestId('scenario-link').click();
  await expect(page).toHaveURL(/[?&]run=jepsen-set&seed=7$/);
  await expect(page.getByTestId('scenario-trace-hash')).toHaveText(inNode.traceHash, { timeout: 30_000 });
  await page.getByTestId('scenario-file').setInputFiles({
    name: 'too-many-replicas.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ name: 'too-many-replicas', cluster: { nodes: 5, n: 3, r: 4 } })),
  });
  await page.getByTestId('scenario-run').click();
  await expect(page.getByTestId('scenario-error')).toContainText('KV_INVALID_SCENARIO: cluster.r:');
  await expect(page.getByTestId('scenario-result')).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('a file of your own is shared as a link that carries it: opened, the run is the same; cut short, it says so', async ({
  page,
}) => {
  const problems = watchConsole(page);
  const file = JSON.parse(readFileSync('public/scenarios/quorum-basics.json', 'utf8'));
  const text = JSON.stringify({ ...file, name: 'my-quorums' }, null, 2);
  const scenario = parseScenarioText(text);
  if (isKvError(scenario)) throw scenario;
  const inNode = runScenario(scenario, { seed: 11 });
  if (isKvError(inNode)) throw inNode;

  await open(page, '?delay=0&workload=off');
  await page.getByTestId('tab-runs').click();
  await page.getByTestId('scenario-file').setInputFiles({
    name: 'my-quorums.json',
    mimeType: 'application/json',
    buffer: Buffer.from(text),
  });
  await page.getByTestId('scenario-seed').fill('11');
  await page.getByTestId('scenario-run').click();
  await expect(page.getByTestId('scenario-trace-hash')).toHaveText(inNode.traceHash, { timeout: 30_000 });
  const href = (await page.getByTestId('scenario-link').getAttribute('href')) ?? '';
  expect(href).toMatch(/[?&]scenario=[A-Za-z0-9_-]+&seed=11$/);

  // Opened in a fresh page (no file chosen there), the link runs the same file and seed.
  await page.goto(href);
  await expect(page.getByTestId('scenario-trace-hash')).toHaveText(inNode.traceHash, { timeout: 30_000 });
  await expect(page.getByTestId('scenario-select')).toContainText('my-quorums, from a link');

  // A link cut short when it was copied runs nothing and says why.
  const cut = href.replace(
    /scenario=([A-Za-z0-9_-]+)/,
    (_, p: string) => `scenario=${p.slice(0, p.length / 2)}`,
  );
  await page.goto(cut);
  await expect(page.getByTestId('scenario-error')).toContainText(
    "KV_INVALID_SCENARIO: this link's scenario cannot be read",
  );
  await expect(page.getByTestId('scenario-result')).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('a link asking for what the lab cannot do says so, and the lab runs as it would without it', async ({
  page,
}) => {
  const problems = watchConsole(page);
  await open(page, '?run=nope&nodes=2&delay=abc&workload=off');
  const notice = page.getByTestId('link-notice');
  await expect(notice).toContainText(
    'The link asks for “2” nodes, which the lab does not start: N=3 needs 3',
  );
  await expect(notice).toContainText("The link's delay “abc” is not a whole number of milliseconds");
  await expect(page.getByTestId('network-speed')).toHaveValue('400');
  expect(await page.evaluate(() => window.kvscope.store.getState().linkDelayMs)).toBe(400);
  await expect(page.getByTestId('scenario-unknown')).toContainText('The link names the scenario “nope”');
  await page.getByTestId('link-notice-dismiss').click();
  await expect(notice).toHaveCount(0);
  // A delay the network control does not list is shown as the link's.
  await open(page, '?delay=1000&lesson=nope&workload=off');
  await expect(page.getByTestId('network-speed')).toHaveValue('1000');
  await expect(page.getByTestId('network-speed').locator('option:checked')).toHaveText(
    'From the link · 1000 ms',
  );
  await expect(page.getByTestId('lesson-unknown')).toHaveText(
    'No lesson is called “nope”: here is the first.',
  );
  await expect(page.getByTestId('link-notice')).toHaveCount(0);
  expect(problems).toEqual([]);
});
