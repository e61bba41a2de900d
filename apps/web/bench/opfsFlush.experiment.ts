/**
 * What an OPFS flush costs, and why: `npx tsx apps/web/bench/opfsFlush.experiment.ts [--rounds n]`.
 * Dedicated workers in Chromium append a 150-byte record to their own OPFS file and flush it
 * (`FileSystemSyncAccessHandle.write` + `flush`), as a node's commit log does for one put, and the
 * same loop runs on this machine's file system through Node (`writeSync` + `fdatasyncSync`, in
 * worker threads): the peer that says how much of a flush is the browser's and how much the disk's.
 *
 * Each configuration varies one thing the lab varies:
 *   - `append` grows the file with every write; `overwrite` writes into a region zero-filled and
 *     flushed beforehand (a pre-extended log), so a flush changes no file size or block map;
 *   - 1, 3 or 5 writers at once (one put touches 3 nodes; 64 puts in flight keep all 5 busy);
 *   - back to back, or with a 1 ms pause before each write (one put at a time leaves the disk idle
 *     between puts; the pause blocks in `Atomics.wait`, so the CPU may idle as it does in the lab).
 * Configurations run interleaved, `--rounds` times (default 3), and each prints the median write and
 * flush time per round, since a shared machine's disk latency drifts from minute to minute.
 *
 * What Chromium does per call was read with `strace -f` on the renderer (Chromium 156, Linux):
 * `flush()` is one `fdatasync` on the worker's own thread, with no IPC; `write()` is `fstat`,
 * `fcntl`, `pwrite64` and one message to the browser process (for an overwrite too).
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { chromium } from 'playwright';
import { chromiumArgs, chromiumPath } from '../../../scripts/chromium.ts';

const roundsArg = process.argv.indexOf('--rounds');
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 3;
const flushes = 300;
const regionBytes = 4 << 20;
const recordBytes = 150;

type Mode = 'append' | 'overwrite';
interface Config {
  mode: Mode;
  writers: number;
  pauseMs: number;
}
const configs: Config[] = [];
for (const writers of [1, 3, 5])
  for (const pauseMs of [1, 0])
    for (const mode of ['append', 'overwrite'] as const) configs.push({ mode, writers, pauseMs });

/** The loop both sides run; `write`/`flush` wrap the API, `pause` blocks for `ms`. */
const loopSource = `
function medians(write, flush, pause, run) {
  const w = [], f = [];
  for (let i = 0; i < run.flushes; i++) {
    if (run.pauseMs > 0) pause(run.pauseMs);
    const t0 = performance.now();
    write(i * run.recordBytes);
    const t1 = performance.now();
    flush();
    w.push(t1 - t0);
    f.push(performance.now() - t1);
  }
  const med = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
  return { write: med(w), flush: med(f) };
}`;

const browserWorker = `${loopSource}
const sleeper = new Int32Array(new SharedArrayBuffer(4));
onmessage = async (e) => {
  const run = e.data;
  const root = await navigator.storage.getDirectory();
  const file = await root.getFileHandle('flush-' + run.index, { create: true });
  const handle = await file.createSyncAccessHandle();
  handle.truncate(0);
  if (run.mode === 'overwrite') handle.write(new Uint8Array(run.regionBytes), { at: 0 });
  handle.flush();
  const record = new Uint8Array(run.recordBytes).fill(1);
  while (Date.now() < run.startAt) {}
  const result = medians((at) => handle.write(record, { at }), () => handle.flush(), (ms) => Atomics.wait(sleeper, 0, 0, ms), run);
  handle.close();
  postMessage(result);
};`;

const nodeWorker = `${loopSource}
const { workerData, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const run = workerData;
const fd = fs.openSync(run.path, 'w+');
if (run.mode === 'overwrite') fs.writeSync(fd, new Uint8Array(run.regionBytes), 0, run.regionBytes, 0);
fs.fsyncSync(fd);
const record = new Uint8Array(run.recordBytes).fill(1);
const sleeper = new Int32Array(new SharedArrayBuffer(4));
while (Date.now() < run.startAt) {}
const result = medians((at) => fs.writeSync(fd, record, 0, record.length, at), () => fs.fdatasyncSync(fd), (ms) => Atomics.wait(sleeper, 0, 0, ms), run);
fs.closeSync(fd);
parentPort.postMessage(result);`;

const page = `<!doctype html><meta charset="utf-8"><script>
window.runFlushes = (config, base) => new Promise((resolve) => {
  const url = URL.createObjectURL(new Blob([${JSON.stringify(browserWorker)}], { type: 'text/javascript' }));
  const startAt = Date.now() + 300;
  const results = [];
  for (let index = 0; index < config.writers; index++) {
    const w = new Worker(url);
    w.onmessage = (e) => { results.push(e.data); w.terminate(); if (results.length === config.writers) resolve(results); };
    w.postMessage({ ...base, ...config, index, startAt });
  }
});
</script>`;

interface Medians {
  write: number;
  flush: number;
}
const base = { flushes, regionBytes, recordBytes };

function nodeRun(config: Config, dir: string): Promise<Medians[]> {
  const startAt = Date.now() + 300;
  return Promise.all(
    Array.from(
      { length: config.writers },
      (_, index) =>
        new Promise<Medians>((resolve, reject) => {
          const path = join(dir, `flush-${index}`);
          const worker = new Worker(nodeWorker, {
            eval: true,
            workerData: { ...base, ...config, path, startAt },
          });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const label = (c: Config) =>
  `${c.mode.padEnd(9)} ${c.writers} writer${c.writers > 1 ? 's' : ' '} ${c.pauseMs ? 'paused 1 ms' : 'back to back'}`;

async function main(): Promise<void> {
  const server = createServer((_req, res) => {
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Content-Type', 'text/html');
    res.end(page);
  }).listen(4394, '127.0.0.1');
  const profileDir = mkdtempSync(join(tmpdir(), 'kvscope-flush-profile-'));
  const nodeDir = mkdtempSync(join(tmpdir(), 'kvscope-flush-node-'));
  const browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    args: chromiumArgs,
  });
  const rows = new Map<string, string[]>();
  try {
    const tab = await browser.newPage();
    await tab.goto('http://127.0.0.1:4394/');
    for (let round = 0; round < rounds; round++) {
      for (const config of configs) {
        const ours = await tab.evaluate(([c, b]) => window.runFlushes(c, b), [config, base] as const);
        const peer = await nodeRun(config, nodeDir);
        const f = (xs: Medians[], k: keyof Medians) => mean(xs.map((x) => x[k])).toFixed(3);
        const cell = `OPFS write ${f(ours, 'write')} flush ${f(ours, 'flush')} | fdatasync ${f(peer, 'flush')}`;
        rows.set(label(config), [...(rows.get(label(config)) ?? []), cell]);
      }
    }
  } finally {
    await browser.close();
    server.close();
    rmSync(profileDir, { recursive: true, force: true });
    rmSync(nodeDir, { recursive: true, force: true });
  }
  console.log(
    `median ms per ${recordBytes}-byte record (mean over the writers), ${rounds} interleaved rounds:`,
  );
  for (const [name, cells] of rows) console.log(`${name}\n    ${cells.join('\n    ')}`);
}

declare global {
  interface Window {
    runFlushes(config: Config, run: typeof base): Promise<Medians[]>;
  }
}

await main();
