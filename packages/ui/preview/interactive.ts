/**
 * Keyboard and console check of the views in Chromium: bundles interactiveApp.tsx with esbuild,
 * then drives it with Playwright — Tab to the ring's keys, arrow keys to select, the legend's
 * buttons, a timeline marker by keyboard, the log's node filter — and fails on any console error.
 * Run: `npx tsx packages/ui/preview/interactive.ts [outDir]` (default /tmp/kvscope-ui-preview).
 */

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright';

const outDir = process.argv[2] ?? '/tmp/kvscope-ui-preview';
mkdirSync(outDir, { recursive: true });
const bundle = join(outDir, 'interactive.js');
execFileSync(
  'npx',
  [
    'esbuild',
    'packages/ui/preview/interactiveApp.tsx',
    '--bundle',
    '--format=iife',
    '--jsx=automatic',
    '--define:process.env.NODE_ENV="development"',
    `--outfile=${bundle}`,
    '--log-level=warning',
  ],
  { stdio: 'inherit' },
);
writeFileSync(
  join(outDir, 'interactive.html'),
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>kvscope views</title>
<style>body{font-family:system-ui,sans-serif;margin:12px;color:#1f2328}</style></head><body><div id="root"></div><script src="interactive.js"></script></body></html>`,
);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const problems: string[] = [];
const check = (ok: boolean, what: string) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) problems.push(what);
};
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`file://${join(outDir, 'interactive.html')}`);
  await page.waitForSelector('[data-testid="ring-view"]', { timeout: 10_000 }).catch(() => undefined);
  if (problems.length) throw new Error(problems.join('\n'));
  const selection = () => page.locator('#selection').textContent();

  await page.keyboard.press('Tab'); // the "add n6" button
  await page.keyboard.press('Tab'); // the ring's keys
  check(
    (await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))) === 'keys',
    'Tab reaches the ring keys',
  );
  await page.keyboard.press('ArrowRight');
  const first = await selection();
  await page.keyboard.press('ArrowRight');
  const second = await selection();
  check(
    /key=k\d+/.test(first ?? '') && first !== second,
    `arrow keys select keys clockwise (${first} → ${second})`,
  );
  check(
    (await page.locator('[data-testid="preference-list"] [data-rank]').count()) === 5,
    'the selected key shows 3 replicas and 2 fallbacks',
  );

  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  check(/node=n1/.test((await selection()) ?? ''), 'Tab then Enter on the legend selects node n1');
  check(
    (await page.locator('[data-testid="ring-node-n1"]').getAttribute('aria-pressed')) === 'true',
    'the legend button says it is pressed',
  );

  await page.locator('[data-fault="kill"]').focus();
  await page.keyboard.press('Enter');
  check(/fault=kill@5000/.test((await selection()) ?? ''), 'a timeline marker is selectable by keyboard');

  await page.locator('[data-testid="event-log-view"] select').selectOption('n5');
  const lines = await page.locator('[data-testid="event-log-lines"] li').allTextContents();
  check(
    lines.length > 0 && lines.every((l) => l.includes('n5')),
    `the node filter keeps only lines naming n5 (${lines.length})`,
  );

  await page.click('#join');
  check(
    (await page.locator('[data-change="enters"]').count()) === 8,
    'adding n6 marks its 8 tokens as entering',
  );
  await page.waitForTimeout(1_000); // let the enter animation finish before the picture
  await page.screenshot({ path: join(outDir, 'interactive.png') });
  console.log(`screenshot: ${join(outDir, 'interactive.png')}`);
} finally {
  await browser.close();
}
for (const p of problems) console.log(`problem: ${p}`);
process.exitCode = problems.length ? 1 : 0;
