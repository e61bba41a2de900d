/**
 * Would SharedArrayBuffer rings lift the live lab's throughput (issue 6)? `npx tsx
 * apps/web/bench/sabRing.experiment.ts [--rounds n] [--ms ms] [--only port,sab] [--opfs both|on|off]`.
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
 * Each runs with and without an OPFS group commit (a worker writes a 150-byte record per put it
 * stores and flushes once per arriving batch before anything leaves), interleaved `--rounds` times
 * (default 3; the order reverses every other round). Per run: a page ↔ worker ping round trip,
 * puts one at a time, then `--ms` (default 3000) of 64 in flight: puts/s, latency p50/p99, and
 * browser CPU per put by thread (page main thread, DedicatedWorker threads, every other browser
 * thread; from /proc, as lab.bench.ts does). Before the browser, selfCheck.ts runs the ring and
 * the codec in one thread (wraparound, full ring, int32 counter wrap, every shape round-trips).
 *
 * Typecheck (no existing tsconfig includes these files): from apps/web, `npx tsc --noEmit --strict
 * --noUncheckedIndexedAccess --target ES2022 --module ESNext --moduleResolution Bundler
 * --allowImportingTsExtensions --verbatimModuleSyntax --isolatedModules --skipLibCheck
 * --lib ES2022,ES2024.SharedMemory,DOM,DOM.Iterable --types node bench/sabRing.experiment.ts`.
 *
 * Findings: see FINDINGS below (filled in after running it).
 */

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright';
import { chromiumArgs, chromiumPath } from '../../../scripts/chromium.ts';
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
const port = 4395;

/** One browser thread's CPU milliseconds so far and the totals it counts in. */
type ThreadCpu = Map<string, { kinds: string[]; ms: number }>;

/**
 * CPU milliseconds used so far by each thread of the browser this script started (keyed by
 * pid/tid), with its kind: the renderer's main thread (the page), `DedicatedWorker` threads,
 * everything else. Read from /proc as lab.bench.ts's `browserCpuMs` does (copied: that module runs
 * its benchmark when imported), but per thread: the workers of the previous run end while a run
 * starts, and a sum over threads would lose their CPU between two readings.
 */
function browserCpuMs(): ThreadCpu {
  const stat = (path: string) => {
    try {
      const text = readFileSync(path, 'utf8');
      const close = text.lastIndexOf(')');
      const name = text.slice(text.indexOf('(') + 1, close);
      const fields = text.slice(close + 2).split(' ');
      // Fields after the name: state(0) ppid(1) … utime(11) stime(12), in clock ticks (100/s).
      return { name, ppid: Number(fields[1]), ms: (Number(fields[11]) + Number(fields[12])) * 10 };
    } catch {
      return null; // the process or thread ended meanwhile
    }
  };
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    const s = Number.isInteger(pid) ? stat(`/proc/${pid}/stat`) : null;
    if (s) parent.set(pid, s.ppid);
  }
  const ours = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p))
      if (p === process.pid) return true;
    return false;
  };
  const threads: ThreadCpu = new Map();
  for (const pid of parent.keys()) {
    if (!ours(pid)) continue;
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    const isRenderer = readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer');
    for (const tid of tids) {
      const s = stat(`/proc/${pid}/task/${tid}/stat`);
      if (!s) continue;
      const kind =
        s.name === 'DedicatedWorker' ? 'workers' : isRenderer && tid === String(pid) ? 'page' : 'other';
      // With --threads, the other threads by name too (`other:` prefix), to see which of them work.
      const kinds = kind === 'other' && showThreads ? [kind, `other:${s.name}`] : [kind];
      threads.set(`${pid}/${tid}`, { kinds, ms: s.ms });
    }
  }
  return threads;
}

/** CPU milliseconds by kind between two readings, over the threads alive at the second. */
function cpuBetween(start: ThreadCpu | undefined, end: ThreadCpu | undefined): Record<string, number> {
  const totals: Record<string, number> = { page: 0, workers: 0, other: 0 };
  for (const [key, { kinds, ms }] of end ?? new Map()) {
    const spent = ms - (start?.get(key)?.ms ?? 0);
    for (const kind of kinds) totals[kind] = (totals[kind] ?? 0) + spent;
  }
  return totals;
}

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
    const spent = (phase: string) => cpuBetween(cpuAt[`${phase}start`], cpuAt[`${phase}end`]);
    await tab.exposeFunction('benchCpuMark', (phase: string) => {
      cpuAt[phase] = browserCpuMs();
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
