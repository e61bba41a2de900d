/**
 * Test projects: `engine` and `ui` run in Node; `browser` runs *.browser.test.ts files in real
 * Chromium through Playwright (vitest browser mode), where Web Workers, MessageChannel, OPFS and
 * IndexedDB are the real thing.
 */
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

import { chromiumArgs, chromiumPath } from './scripts/chromium.ts';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'engine',
          include: [
            'packages/engine/src/**/*.test.ts',
            'packages/engine/test/**/*.test.ts',
            'packages/engine/nodejs/**/*.test.ts',
          ],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'ui',
          include: ['packages/ui/src/**/*.test.ts', 'packages/ui/src/**/*.test.tsx'],
          environment: 'node',
        },
      },
      {
        optimizeDeps: { include: ['comlink', 'zustand/vanilla', 'react', 'react-dom', 'react-dom/client'] },
        test: {
          name: 'browser',
          // Pre-bundle up front: a mid-run dependency optimisation reloads the page under the tests.
          include: ['apps/web/src/**/*.browser.test.ts'],
          testTimeout: 30_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath: chromiumPath, args: chromiumArgs } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
