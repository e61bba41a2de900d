/**
 * Would SharedArrayBuffer rings lift the live lab's throughput (issue 6)? `npx tsx
 * apps/web/bench/sabRing.experiment.ts [--rounds n] [--ms ms] [--only port,sab] [--opfs both|on|off]
 * [--work µs] [--ring bytes] [--threads]`.
 *
 * Five dedicated "node" workers and the page as their client move one quorum put's messages, with
 * no engine: page → coordinator (request), coordinator → the next 2 nodes (replica-put, a 64-byte
 * value and a 3-entry clock), each → coordinator (ack), coordinator → page (reply, once 2 acks with
 * its own are in); coordinators round-robin, 64 puts in flight (sabRing/page.ts, worker.ts). So it
 * measures what the lab pays to move messages, which `npm run profile:lab` puts at most of its
 * ~0.43 ms of browser CPU per put. Transports (sabRing/transport.ts):
 *   - `port`: today's lab: full-mesh MessageChannel ports, objects structured-cloned, one
 *     `postMessage` of an array per peer per task;
 *   - `port-binary`: the same ports, each batch hand-encoded (sabRing/codec.ts) into one
 *     transferred ArrayBuffer: no structured clone, the same Mojo/IO-thread routing;
 *   - `sab`: an SPSC ring per directed link in a SharedArrayBuffer (sabRing/ring.ts: wraparound,
 *     spill when full, doorbell per endpoint, `Atomics.waitAsync` with check-after-arm, notify only
 *     when the consumer waits), batches hand-encoded into it, every ring drained per wake.
 * Each runs with and without an OPFS group commit (a 150-byte record written per put a worker
 * stores, one flush per commit, acks and replies held until it; scheduled behind queued inputs
 * through a private MessageChannel over ports as liveHost.ts does, at the end of each drain over
 * rings), interleaved `--rounds` times (default 3; the order reverses every other round), after one
 * short unrecorded warm-up run of each. Per run: 5,000 page ↔ worker ping round trips, 500 puts
 * one at a time, then `--ms` (default 3000) of 64 in flight: puts/s, latency p50/p99, and browser
 * CPU per put by thread (page main thread, DedicatedWorker threads, every other browser thread;
 * from /proc as lab.bench.ts does, but per thread). `--work 18` adds 18 µs of busy CPU per message a
 * worker handles, a stand-in for the lab's ~0.09 ms of `node.step` per put. Every reply is checked
 * (coordinator, two acks). Before the browser, selfCheck.ts runs the ring and the codec in one
 * thread (wraparound, full ring, int32 counter wrap, every shape round-trips).
 *
 * Typechecked with the web app (`npm run typecheck`) through bench/tsconfig.sab.json.
 *
 * Found (2026-11-26, Chromium 156, this 2-core host shared with other work, load average 3–4;
 * `--rounds 5 --ms 3000`, median [min–max] of 5 interleaved rounds; ms of browser CPU per put):
 *
 *   transport            puts/s                CPU/put               page    workers  other
 *   port                 11,313 [7,139–13,059]  0.145 [0.132–0.180]   0.027   0.102    0.011
 *   port-binary           8,802 [8,157–13,771]  0.132 [0.114–0.164]   0.025   0.093    0.015
 *   sab                  75,049 [67,820–78,049] 0.014 [0.013–0.024]   0.004   0.008    0.003
 *   port + OPFS           6,054 [5,352–6,342]   0.184 [0.171–0.201]   0.032   0.115    0.033
 *   port-binary + OPFS    5,479 [4,609–5,998]   0.215 [0.198–0.240]   0.032   0.133    0.049
 *   sab + OPFS           22,591 [17,738–23,195] 0.054 [0.049–0.067]   0.008   0.026    0.020
 *
 * Two more invocations agree in shape: one minutes earlier (port 10,304 puts/s at 0.138 ms, sab
 * 73,797 at 0.015; + OPFS 6,463 at 0.165 and 22,247 at 0.051) and one on a busier host (load 5–6,
 * before the warm-up run existed: port 6,115 at 0.166, sab 38,522 at 0.024; + OPFS 4,188 at 0.228
 * and 14,063 at 0.069). With `--work 18 --opfs on` (a stand-in engine): port 3,432 [3,309–5,878]
 * puts/s at 0.327 [0.293–0.336] ms per put (workers 0.235), sab 6,100 [5,957–7,351] at 0.177
 * [0.174–0.186] (workers 0.133): the lab's regime (0.43 ms, 3.1k–5.2k puts/s) and a 1.8× lift.
 *
 *   - The cost is per arriving task, not per byte: without structured clone (`port-binary`) the
 *     CPU per put does not move beyond the noise. Over ports every message arrives as its own task
 *     (1.0 messages per arriving batch; 1.3 with the group commit), and a worker pays ~20 µs of CPU
 *     per arriving batch (handling and sending included). A ring wake costs about the same (~16 µs)
 *     but drains ~10 messages (5 with OPFS): the gain is that batching, which ports cannot give a
 *     receiver, not cheaper copying.
 *   - Latency one at a time does not change: round trip p50 0.030–0.035 ms both ways, a put one at
 *     a time 0.125 (sab) vs 0.145 ms (port); CPU per ping round trip ~34 vs ~44 µs. The loaded p50
 *     falls with the queueing (port 5.5 ms, sab 0.57 ms; + OPFS 9.7 vs 2.3 ms).
 *   - Mojo/IO-thread routing of ports is cheap here: without OPFS, other browser threads cost
 *     0.011 ms per put over ports, the IO threads (Chrome_IOThread, Chrome_ChildIOThread) under
 *     0.001 of it; most is ThreadPoolForegroundWorker (`--threads` names them). With OPFS the
 *     browser's IO thread and main thread (`chromium`) appear, ~0.02 ms per put over ports: each
 *     `write` messages the browser process. Rings cut other threads' CPU from 0.033 to 0.020 ms
 *     per put with OPFS, partly by committing less often (0.27–0.29 flushes per put instead of
 *     0.46–0.48: one drain gathers more records).
 *   - The full-ring path holds under load: `--ring 1024 --only sab` ran 38,275 puts/s with 41,665
 *     batches spilled (12,910 with OPFS, 6,284 spilled), every put answered and checked.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright';
import { chromiumArgs, chromiumPath } from '../../../scripts/chromium.ts';
import { browserThreadsCpu, cpuBetween, type ThreadCpu } from './browserCpu.ts';
import type { RunConfig, RunFigures } from './sabRing/page.ts';
import { checkCodec, checkRing } from './sabRing/selfCheck.ts';
import type { TransportName } from './sabRing/transport.ts';

const arg = (name: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const rounds = Number(arg('rounds') ?? 3);
const throughputMs = Number(arg('ms') ?? 3_000);
const transports = (arg('only') ?? 'port,port-binary,sab').split(',') as TransportName[];
const opfsModes = { both: [false, true], on: [true], off: [false] }[arg('opfs') ?? 'both'] ?? [false, true];
const showThreads = process.argv.includes('--threads');
/** Bytes of each ring's data; a small one (2048) exercises the full-ring path under load. */
const ringBytes = Number(arg('ring') ?? 1 << 16);
/**
 * Busy CPU per message a worker handles, in µs: a stand-in for the engine (the lab's workers spend
 * ~0.09 ms per put in `node.step`, over the 5 messages a put brings its 3 nodes: `--work 18`).
 */
const workUs = Number(arg('work') ?? 0);
const port = 4395;

/** One browser thread's CPU milliseconds so far and the totals it counts in. */
/** The page and worker scripts, bundled from sabRing/*.ts. */
async function bundle(): Promise<Record<string, string>> {
  const dir = fileURLToPath(new URL('./sabRing/', import.meta.url));
  const files: Record<string, string> = {};
  for (const name of ['page', 'worker']) {
    const out = await build({
      entryPoints: [join(dir, `${name}.ts`)],
      bundle: true,
      write: false,
      format: 'esm',
      target: 'es2022',
    });
    files[`/${name}.js`] = out.outputFiles[0]!.text;
  }
  files['/favicon.ico'] = '';
  files['/'] = '<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>';
  return files;
}

interface Row {
  figures: RunFigures;
  cpu: Record<string, number>;
  /** Browser CPU during the `rtts` ping round trips, one at a time. */
  rttCpu: Record<string, number>;
  rtts: number;
}

const label = (t: TransportName, opfs: boolean) => `${t}${opfs ? ' + OPFS' : ''}`;

async function main(): Promise<void> {
  console.log(checkRing());
  console.log(checkCodec());
  const files = await bundle();
  const server = createServer((req, res) => {
    const body = files[req.url ?? '/'];
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Content-Type', req.url === '/' ? 'text/html' : 'text/javascript');
    res.statusCode = body === undefined ? 404 : 200;
    res.end(body ?? '');
  }).listen(port, '127.0.0.1');
  const profileDir = mkdtempSync(join(tmpdir(), 'kvscope-sab-profile-'));
  const browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    args: chromiumArgs,
  });
  const rows = new Map<string, Row[]>();
  try {
    const tab = await browser.newPage();
    tab.on('pageerror', (error) => console.log(`[page error] ${error.message}`));
    tab.on('console', (m) => console.log(`[page] ${m.text()}`));
    // The page marks the start and end of its ping round trips (`rtt-`) and of its loaded run.
    const cpuAt: Record<string, ThreadCpu> = {};
    const spent = (phase: string) => cpuBetween(cpuAt[`${phase}start`], cpuAt[`${phase}end`], showThreads);
    await tab.exposeFunction('benchCpuMark', (phase: string) => {
      cpuAt[phase] = browserThreadsCpu();
    });
    await tab.goto(`http://127.0.0.1:${port}/`);
    await tab.waitForFunction(() => 'sabRing' in window);
    const configs = transports.flatMap((transport) => opfsModes.map((opfs) => ({ transport, opfs })));
    // A short unrecorded run of each first: the page's and the workers' code gets compiled.
    for (const { transport, opfs } of configs) {
      const warm = {
        transport,
        opfs,
        rtts: 500,
        latencyPuts: 100,
        throughputMs: 300,
        inFlight: 64,
        ringBytes,
        workUs,
      };
      await tab.evaluate((c) => window.sabRing.run(c), warm);
    }
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? configs : [...configs].reverse();
      for (const { transport, opfs } of order) {
        const config: RunConfig = {
          transport,
          opfs,
          rtts: 5_000,
          latencyPuts: 500,
          throughputMs,
          inFlight: 64,
          ringBytes,
          workUs,
        };
        const figures = await tab.evaluate((c) => window.sabRing.run(c), config);
        const row = { figures, cpu: spent(''), rttCpu: spent('rtt-'), rtts: config.rtts };
        rows.set(label(transport, opfs), [...(rows.get(label(transport, opfs)) ?? []), row]);
        console.log(`round ${round + 1} ${label(transport, opfs)}: ${line(row)}`);
      }
    }
  } finally {
    await browser.close();
    server.close();
    rmSync(profileDir, { recursive: true, force: true });
  }
  summarise(rows);
}

const perPut = (row: Row, k: string) => (row.cpu[k] ?? 0) / Math.max(1, row.figures.puts);

function line({ figures: f, cpu }: Row): string {
  const per = (k: string) => ((cpu[k] ?? 0) / Math.max(1, f.puts)).toFixed(3);
  const total = ((cpu.page! + cpu.workers! + cpu.other!) / Math.max(1, f.puts)).toFixed(3);
  const threads = Object.entries(cpu)
    .filter(([k, v]) => k.startsWith('other:') && v > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([k, v]) => `${k.slice(6)} ${(v / Math.max(1, f.puts)).toFixed(4)}`);
  const w = f.workers;
  const sent = w.sent + f.page.sent;
  const unreceived = sent - w.received - f.page.received;
  return (
    `${f.putsPerSecond.toFixed(0)} puts/s, loaded p50 ${f.loadP50.toFixed(2)} p99 ${f.loadP99.toFixed(2)} ms, ` +
    `one at a time p50 ${f.putP50.toFixed(3)} ms, rtt p50 ${f.rttP50.toFixed(3)} ms; CPU/put ${total} ms ` +
    `(page ${per('page')}, workers ${per('workers')}, other ${per('other')}); ${(sent / f.puts).toFixed(2)} msgs/put ` +
    `(${unreceived} unreceived at the end); workers: ` +
    `${(w.received / Math.max(1, w.receivedBatches)).toFixed(1)} msgs per batch in, ` +
    `${(w.posts / f.puts).toFixed(2)} batches out/put, notifies ${((w.notifies + f.page.notifies) / f.puts).toFixed(2)}/put, ` +
    `spills ${w.spills + f.page.spills}, OPFS flushes ${(w.opfsFlushes / f.puts).toFixed(2)}/put` +
    (threads.length > 0 ? `; other threads, ms/put: ${threads.join(', ')}` : '')
  );
}

function summarise(rows: Map<string, Row[]>): void {
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;
  const cell = (xs: number[], digits: number) =>
    `${med(xs).toFixed(digits)} [${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}]`;
  console.log(
    `\nmedian [min–max] over ${rounds} interleaved rounds, ${throughputMs} ms of 64 in flight each:`,
  );
  for (const [name, rs] of rows) {
    const f = (k: keyof RunFigures) => rs.map((r) => r.figures[k] as number);
    const cpu = (k: string) => rs.map((r) => perPut(r, k));
    const total = rs.map((r) => perPut(r, 'page') + perPut(r, 'workers') + perPut(r, 'other'));
    const perBatch = rs.map(
      (r) => r.figures.workers.received / Math.max(1, r.figures.workers.receivedBatches),
    );
    const batchCpu = rs.map(
      (r) => (1000 * (r.cpu.workers ?? 0)) / Math.max(1, r.figures.workers.receivedBatches),
    );
    const rttCpu = rs.map(
      (r) => (1000 * ((r.rttCpu.page ?? 0) + (r.rttCpu.workers ?? 0) + (r.rttCpu.other ?? 0))) / r.rtts,
    );
    console.log(
      `${name.padEnd(20)} ${cell(f('putsPerSecond'), 0)} puts/s; loaded p50 ${cell(f('loadP50'), 2)} ms, ` +
        `p99 ${cell(f('loadP99'), 2)} ms; one at a time p50 ${cell(f('putP50'), 3)} ms; rtt p50 ${cell(f('rttP50'), 3)} ms\n` +
        `${''.padEnd(20)} CPU per put ${cell(total, 3)} ms = page ${cell(cpu('page'), 3)} + workers ` +
        `${cell(cpu('workers'), 3)} + other ${cell(cpu('other'), 3)}\n` +
        `${''.padEnd(20)} workers: ${cell(perBatch, 1)} messages per arriving batch, ${cell(batchCpu, 1)} µs of ` +
        `worker CPU per arriving batch (handling and sending included); CPU per ping round trip ${cell(rttCpu, 1)} µs`,
    );
  }
}

declare global {
  interface Window {
    sabRing: { run(config: RunConfig): Promise<RunFigures> };
  }
}

await main();
