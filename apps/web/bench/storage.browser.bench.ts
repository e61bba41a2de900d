/**
 * `npm run bench:storage-browser`: the storage benchmark in real Chromium, inside a worker — our
 * LSM store on OPFS against IndexedDB used directly (one transaction per put). Builds the benchmark
 * page (index.html, benchPage.ts, storageBench.worker.ts) with vite, serves it on 127.0.0.1 (a secure
 * context, which OPFS needs), drives /usr/bin/chromium with Playwright, and writes
 * bench/results/storage-browser.json through the shared `reportResults`.
 *
 * The peer is IndexedDB with the durability an app gets by default (the reference figures),
 * which in Chromium does not wait for the disk; one more measure compares with 'strict' (a commit
 * waits for the disk sync, as our OPFS flush does). All three modes are printed. `--quick` runs a
 * small load. On a busy machine the one-at-a-time figures swing with the disk's fsync latency.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { build, preview } from 'vite';
import { type Measure, reportResults } from '../../../packages/engine/nodejs/bench/results.ts';
import { chromiumArgs, chromiumPath } from '../../../scripts/chromium.ts';
import type { BenchOptions, BenchReply, SubjectFigures } from './benchProtocol.ts';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const quick = process.argv.includes('--quick');
const options: BenchOptions = quick
  ? { singlePuts: 300, windowPuts: 2_000, gets: 2_000 }
  : { singlePuts: 3_000, windowPuts: 20_000, gets: 20_000 };

async function runInChromium(): Promise<BenchReply & { ok: true }> {
  const outDir = mkdtempSync(join(tmpdir(), 'kvscope-bench-'));
  const config = {
    root: benchDir,
    configFile: false as const,
    logLevel: 'warn' as const,
    worker: { format: 'es' as const },
    server: { fs: { allow: [repoRoot] } },
    build: { outDir, emptyOutDir: true, target: 'es2022' },
    // Cross-origin isolated, as the lab is: performance.now() then resolves 5 µs, not 100 µs.
    preview: {
      host: '127.0.0.1',
      port: 4390,
      headers: {
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
      },
    },
  };
  await build(config);
  const server = await preview(config);
  // A persistent profile: a fresh `launch()` context is off-the-record, where OPFS lives in the
  // browser process's memory and every sync-handle call is an IPC round trip (~0.1–0.6 ms, measured).
  const profileDir = mkdtempSync(join(tmpdir(), 'kvscope-bench-profile-'));
  const browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    args: chromiumArgs,
  });
  try {
    const page = await browser.newPage();
    page.on('console', (message) => console.log(`[page] ${message.text()}`));
    const url = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:4390/';
    await page.goto(url);
    return await page.evaluate((o) => window.runStorageBench(o), options);
  } finally {
    await browser.close();
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
    rmSync(profileDir, { recursive: true, force: true });
  }
}

/** The measures against IndexedDB used directly, with the durability an app gets by default. */
function measures(ours: SubjectFigures, peer: SubjectFigures): Record<string, Measure> {
  const putPeer = 'IndexedDB, one tx per put';
  const rate = (o: number, p: number, peerName = putPeer): Measure => ({
    ours: o,
    peer: p,
    peerName,
    unit: 'ops/s',
    better: 'higher',
  });
  return {
    'durable put one at a time, 100 B': rate(ours.singlePutsPerSecond, peer.singlePutsPerSecond),
    'durable puts 100 in flight, 100 B': rate(ours.windowPutsPerSecond, peer.windowPutsPerSecond),
    'get one at a time, 100 B': rate(ours.getsPerSecond, peer.getsPerSecond, 'IndexedDB, one tx per get'),
    'durable put latency p50': {
      ours: ours.singlePutP50Ms,
      peer: peer.singlePutP50Ms,
      peerName: putPeer,
      unit: 'ms',
      better: 'lower',
    },
  };
}

const reply = await runInChromium();
const { default: peer, strict } = reply.peers;
if (!peer || !strict) throw new Error('the benchmark returned no IndexedDB figures');
console.log(`workload: ${JSON.stringify(options)}; every IndexedDB durability mode, for reference:`);
console.table({ ours: reply.ours, 'ours on the IndexedDB fallback': reply.fallback, ...reply.peers });
reportResults('storage-browser', {
  ...measures(reply.ours, peer),
  // Chromium's default commit does not wait for the disk (it measures like 'relaxed'); our OPFS flush
  // does. Against a peer that syncs too, the one-at-a-time comparison is like for like:
  'durable put one at a time, 100 B, vs a syncing peer': {
    ours: reply.ours.singlePutsPerSecond,
    peer: strict.singlePutsPerSecond,
    peerName: "IndexedDB durability 'strict', one tx per put",
    unit: 'ops/s',
    better: 'higher',
  },
  // The fallback where OPFS sync handles are missing: our store on IndexedDbFileSystem.
  'fallback: durable put one at a time, 100 B': {
    ours: reply.fallback.singlePutsPerSecond,
    peer: peer.singlePutsPerSecond,
    peerName: 'IndexedDB, one tx per put',
    unit: 'ops/s',
    better: 'higher',
  },
  'fallback: durable puts 100 in flight, 100 B': {
    ours: reply.fallback.windowPutsPerSecond,
    peer: peer.windowPutsPerSecond,
    peerName: 'IndexedDB, one tx per put',
    unit: 'ops/s',
    better: 'higher',
  },
});
