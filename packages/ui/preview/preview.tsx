/**
 * Visual check of the views: renders each one with sample data (src/fixtures) to static HTML,
 * opens it in Chromium at 1280×720 and saves a full-page screenshot per section, so the views can be
 * looked at without the live page. Run: `npx tsx packages/ui/preview/preview.tsx [outDir]`
 * (default /tmp/kvscope-ui-preview). Needs /usr/bin/chromium (or CHROMIUM_PATH).
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright';
import { renderToStaticMarkup } from 'react-dom/server';
import { previewSections } from './sections.tsx';

const outDir = process.argv[2] ?? '/tmp/kvscope-ui-preview';
mkdirSync(outDir, { recursive: true });

const page = (title: string, body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>${title}</title><style>
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 16px; color: #1f2328; background: #fff; font-size: 16px; }
h1 { font-size: 20px; margin: 0 0 8px; }
</style></head><body><h1>${title}</h1>${body}</body></html>`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
try {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 720 },
    reducedMotion: 'reduce',
  });
  const tab = await context.newPage();
  for (const section of previewSections()) {
    const html = page(section.title, renderToStaticMarkup(section.element));
    const htmlPath = join(outDir, `${section.name}.html`);
    writeFileSync(htmlPath, html);
    await tab.goto(`file://${htmlPath}`);
    const png = join(outDir, `${section.name}.png`);
    await tab.screenshot({ path: png, fullPage: section.fullPage ?? false });
    console.log(`${section.name}: ${png}`);
  }
} finally {
  await browser.close();
}
