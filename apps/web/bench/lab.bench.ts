/**
 * `npm run bench:lab`: the live cluster in real Chromium — five node workers running the real
 * key-value node with their LSM on OPFS, N=3, R=W=2, full speed (no added link delay). Builds the lab
 * with vite's programmatic API, serves it on 127.0.0.1, and drives /usr/bin/chromium (or
 * CHROMIUM_PATH) through a persistent profile, so OPFS is on disk as for a user.
 *
 * Measured through the page's own client (`window.kvscope`), partition-aware (each request goes to
 * the key's first replica):
 *   - quorum put and get latency, one at a time (p50, p99), beside the peer: a MessageChannel round
 *     trip between the page and an echo worker, measured in the same page;
 *   - quorum puts per second with 64 in flight;
 *   - the page's frame rate with the default workload at classroom speed.
 * Writes bench/results/lab.json through the shared `reportResults`. `--quick` runs a small load.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright';
import { build, preview } from 'vite';
import { type Measure, reportResults } from '../../../packages/engine/nodejs/bench/results.ts';
import { chromiumArgs, chromiumPath } from '../../../scripts/chromium.ts';

const webRoot = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');
const load = quick
  ? { latencyOps: 300, throughputMs: 1_500, fpsMs: 3_000 }
  : { latencyOps: 2_000, throughputMs: 5_000, fpsMs: 5_000 };

interface PageFigures {
  putP50: number;
  putP99: number;
  getP50: number;
  getP99: number;
  rttP50: number;
  rttP99: number;
  putsPerSecond: number;
  failed: number;
}

/** Runs in the page: latency one at a time, then throughput with 64 in flight. */
async function measureInPage(page: Page): Promise<PageFigures> {
  return page.evaluate(async ({ latencyOps, throughputMs }) => {
    const { client } = window.kvscope;
    const pct = (xs: number[], p: number) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
    };
    const value = new Uint8Array(100).fill(7);
    let failed = 0;
    const timed = async (run: () => Promise<{ ok: boolean }>) => {
      const t0 = performance.now();
      const reply = await run();
      if (!reply.ok) failed++;
      return performance.now() - t0;
    };
    // The peer: a MessageChannel round trip between this page and an echo worker.
    const echo = new Worker(
      URL.createObjectURL(
        new Blob(['onmessage = (e) => { const p = e.data; p.onmessage = (m) => p.postMessage(m.data); };'], {
          type: 'text/javascript',
        }),
      ),
    );
    const channel = new MessageChannel();
    echo.postMessage(channel.port2, [channel.port2]);
    const rtts: number[] = [];
    for (let i = 0; i < latencyOps; i++) {
      const t0 = performance.now();
      await new Promise<void>((resolve) => {
        channel.port1.onmessage = () => resolve();
        channel.port1.postMessage(i);
      });
      rtts.push(performance.now() - t0);
    }
    echo.terminate();
    const opts = (key: string) => ({ coordinator: client.replicaOf(key), record: false });
    const puts: number[] = [];
    for (let i = 0; i < latencyOps; i++) {
      const key = `lat-${i}`;
      puts.push(await timed(() => client.put(key, value, opts(key))));
    }
    const gets: number[] = [];
    for (let i = 0; i < latencyOps; i++) {
      const key = `lat-${i}`;
      gets.push(await timed(() => client.get(key, opts(key))));
    }
    let done = 0;
    let next = 0;
    const end = performance.now() + throughputMs;
    const lane = async () => {
      while (performance.now() < end) {
        const key = `tp-${next++ % 10_000}`;
        const reply = await client.put(key, value, opts(key));
        if (reply.ok) done++;
        else failed++;
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 64 }, lane));
    const seconds = (performance.now() - t0) / 1000;
    return {
      putP50: pct(puts, 50),
      putP99: pct(puts, 99),
      getP50: pct(gets, 50),
      getP99: pct(gets, 99),
      rttP50: pct(rtts, 50),
      rttP99: pct(rtts, 99),
      putsPerSecond: done / seconds,
      failed,
    };
  }, load);
}

/** Frames per second over `ms`, counted with requestAnimationFrame in the page. */
function framesPerSecond(page: Page, ms: number): Promise<number> {
  return page.evaluate(
    (ms) =>
      new Promise<number>((resolve) => {
        let frames = 0;
        const t0 = performance.now();
        const tick = () => {
          frames++;
          if (performance.now() - t0 < ms) requestAnimationFrame(tick);
          else resolve((frames * 1000) / (performance.now() - t0));
        };
        requestAnimationFrame(tick);
      }),
    ms,
  );
}

async function allUp(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const s = window.kvscope?.store.getState();
      return !!s && s.order.every((id) => s.nodes[id]?.status === 'up');
    },
    undefined,
    { timeout: 30_000 },
  );
}

async function run(): Promise<{ figures: PageFigures; fps: number }> {
  const outDir = mkdtempSync(join(tmpdir(), 'kvscope-lab-bench-'));
  const config = { root: webRoot, logLevel: 'warn' as const, build: { outDir, emptyOutDir: true } };
  await build(config);
  const server = await preview({ ...config, preview: { port: 4391, strictPort: true } });
  const profileDir = mkdtempSync(join(tmpdir(), 'kvscope-lab-profile-'));
  const browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    args: chromiumArgs,
    viewport: { width: 1280, height: 720 },
  });
  try {
    // tsx compiles the functions handed to page.evaluate with esbuild's keepNames: give them `__name`.
    await browser.addInitScript('globalThis.__name = (target) => target;');
    const page = await browser.newPage();
    page.on('pageerror', (error) => console.log(`[page error] ${error.message}`));
    const url = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:4391/';
    await page.goto(`${url}?delay=0&workload=off`);
    await allUp(page);
    await page.evaluate(() => window.kvscope.cluster.reset());
    await allUp(page);
    const figures = await measureInPage(page);
    await page.goto(url);
    await allUp(page);
    await page.waitForTimeout(1_000);
    const fps = await framesPerSecond(page, load.fpsMs);
    return { figures, fps };
  } finally {
    await browser.close();
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
    rmSync(profileDir, { recursive: true, force: true });
  }
}

const { figures, fps } = await run();
console.log(`in-page figures (ms, ops/s): ${JSON.stringify(figures)}; frame rate ${fps.toFixed(1)} fps`);
const peerName = 'MessageChannel round trip, page ↔ worker';
const latency = (ours: number, peer: number): Measure => ({
  ours,
  peer,
  peerName,
  unit: 'ms',
  better: 'lower',
});
reportResults('lab', {
  'quorum put latency p50 (N=3, W=2, OPFS)': latency(figures.putP50, figures.rttP50),
  'quorum put latency p99': latency(figures.putP99, figures.rttP99),
  'quorum get latency p50 (N=3, R=2)': latency(figures.getP50, figures.rttP50),
  'quorum get latency p99': latency(figures.getP99, figures.rttP99),
  'quorum puts/s, 64 in flight': {
    ours: figures.putsPerSecond,
    peer: 5_000,
    peerName: 'target from the issue (5k puts/s)',
    unit: 'ops/s',
    better: 'higher',
  },
  'page frame rate, default workload, 5 nodes': {
    ours: fps,
    peer: 55,
    peerName: 'target from the issue (55 fps)',
    unit: 'fps',
    better: 'higher',
  },
});
if (figures.failed > 0) console.log(`${figures.failed} requests failed during the run`);
