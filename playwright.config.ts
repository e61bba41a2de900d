/**
 * End-to-end tests: the built lab served by `vite preview`, driven in Debian's Chromium
 * (CHROMIUM_PATH, default /usr/bin/chromium). Playwright starts and stops the server itself.
 */
import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumPath } from './scripts/chromium.ts';

/** The preview server's port; set KVSCOPE_E2E_PORT to run two E2E suites side by side. */
const port = Number(process.env.KVSCOPE_E2E_PORT ?? 4173);

export default defineConfig({
  testDir: 'apps/web/e2e',
  outputDir: 'test-results/e2e',
  timeout: 60_000,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'reports/playwright.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1280, height: 720 },
    launchOptions: {
      executablePath: chromiumPath,
      args: chromiumArgs,
    },
  },
  webServer: {
    command: `npm run build -w @kvscope/web && npm run preview -w @kvscope/web -- --port ${port} --strictPort`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: false,
    timeout: 120_000,
  },
});
