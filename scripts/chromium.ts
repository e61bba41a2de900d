/**
 * How every browser run (vitest browser mode, Playwright E2E, the browser benchmarks) starts Chromium: Debian's binary (CHROMIUM_PATH, default
 * /usr/bin/chromium) with the flags that work on this machine kind (TOOLCHAIN.md pitfall 3).
 */

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
