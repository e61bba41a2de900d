/**
 * `npm run profile:lab`: where the live lab's time goes with 64 quorum puts in flight — a V8 CPU
 * profile of the page and of every node worker, taken through the Chrome DevTools Protocol while
 * the page's client keeps 64 puts in flight (5 workers, OPFS, N=3, R=W=2, full speed), the same
 * load as bench:lab's throughput run. The lab is built unminified so functions keep their names.
 *
 * Prints, for the page and for the workers together, the functions with the most self time and the
 * inclusive time of the host's main paths (sync, step, snapshot …). Samples are wall time: a worker
 * blocked in an OPFS `flush` shows as `flush`, and on a loaded machine time spent waiting for a core
 * is charged to whatever was running, so read shares, not milliseconds. The raw profiles go to
 * `--out <dir>` (default: a temporary folder) as .cpuprofile files, which Chromium's DevTools opens.
 *
 * Workers are reached with the page's CDP session in non-flattened auto-attach mode
 * (`Target.sendMessageToTarget`): Playwright gives no CDP session for a dedicated worker.
 *
 * `--in-flight <n>` keeps n puts in flight instead of 64 (1: where a lone put's time goes).
 * `--timeline` profiles latency instead: puts one at a time with every worker's host timeline on,
 * and when each phase of a put happened (lab.timeline.ts); `--puts <n>` sets how many (default 1500).
 */

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CDPSession, chromium, type Page } from 'playwright';
import { build, preview } from 'vite';
import { chromiumArgs, chromiumPath } from '../../../scripts/chromium.ts';
import { printPutTimelines, recordPutTimelines } from './lab.timeline.ts';

const webRoot = fileURLToPath(new URL('..', import.meta.url));
const outArg = process.argv.indexOf('--out');
const outDir =
  outArg > 0 ? (process.argv[outArg + 1] as string) : mkdtempSync(join(tmpdir(), 'kvscope-profile-'));
const loadMs = 4_000;
const timelineMode = process.argv.includes('--timeline');
const putsArg = process.argv.indexOf('--puts');
const timelinePuts = putsArg > 0 ? Number(process.argv[putsArg + 1]) : 1_500;
const samplingUs = 200;
/** Puts kept in flight while profiling (`--in-flight <n>`; 1 profiles a lone put's latency). */
const inFlightArg = process.argv.indexOf('--in-flight');
const inFlight = inFlightArg > 0 ? Number(process.argv[inFlightArg + 1]) : 64;
/** The host's paths whose inclusive time is printed (function names in the unminified build). */
const paths = [
  'groupCommit',
  'sync',
  'step',
  'receive',
  'request',
  'snapshot',
  'flushEvents',
  'flush',
  'post',
];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Sends CDP commands to the dedicated workers attached to the page's session. */
class WorkerSessions {
  readonly ids: string[] = [];
  private next = 1;
  private readonly pending = new Map<number, (result: unknown) => void>();

  constructor(private readonly cdp: CDPSession) {
    cdp.on('Target.attachedToTarget', (e) => {
      if (e.targetInfo.type === 'worker') this.ids.push(e.sessionId);
    });
    cdp.on('Target.receivedMessageFromTarget', (e) => {
      const reply = JSON.parse(e.message) as { id?: number; result?: unknown; error?: unknown };
      const resolve = reply.id === undefined ? undefined : this.pending.get(reply.id);
      if (reply.id !== undefined) this.pending.delete(reply.id);
      resolve?.(reply.result ?? reply.error);
    });
  }

  attach(): Promise<unknown> {
    return this.cdp.send('Target.setAutoAttach', {
      autoAttach: true,
      waitForDebuggerOnStart: false,
      flatten: false,
    });
  }

  call(sessionId: string, method: string, params: object = {}): Promise<unknown> {
    const id = this.next++;
    const answered = new Promise((resolve) => this.pending.set(id, resolve));
    void this.cdp.send('Target.sendMessageToTarget', {
      sessionId,
      message: JSON.stringify({ id, method, params }),
    });
    return answered;
  }
}

async function allUp(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const s = window.kvscope?.store.getState();
      return !!s && s.order.every((id) => s.nodes[id]?.status === 'up');
    },
    undefined,
    { timeout: 60_000 },
  );
}

/** Keeps `lanes` partition-aware puts in flight for `ms`; returns the puts acknowledged. */
function putsInFlight(page: Page, ms: number, lanes: number): Promise<number> {
  return page.evaluate(
    async ({ ms, lanes }) => {
      const { client } = window.kvscope;
      const value = new Uint8Array(100).fill(7);
      let done = 0;
      let next = 0;
      const end = performance.now() + ms;
      const lane = async () => {
        while (performance.now() < end) {
          const key = `tp-${next++ % 10_000}`;
          if ((await client.put(key, value, { coordinator: client.replicaOf(key), record: false })).ok)
            done++;
        }
      };
      await Promise.all(Array.from({ length: lanes }, lane));
      return done;
    },
    { ms, lanes },
  );
}

/** Self and inclusive microseconds per function (`name:line`), summed over the profiles. */
function times(profiles: Profile[]): {
  self: Map<string, number>;
  inclusive: Map<string, number>;
  total: number;
} {
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const p of profiles) {
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const sampled = new Map<number, number>();
    p.samples.forEach((id, i) => {
      sampled.set(id, (sampled.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
    });
    for (const [id, us] of sampled) {
      total += us;
      const seen = new Set<string>();
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const frame = byId.get(at)?.callFrame;
        const key = `${frame?.functionName || '(anonymous)'}:${frame?.lineNumber ?? -1}`;
        if (at === id) self.set(key, (self.get(key) ?? 0) + us);
        if (!seen.has(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + us);
        seen.add(key);
      }
    }
  }
  return { self, inclusive, total };
}

function print(label: string, profiles: Profile[], top = 25): void {
  const { self, inclusive, total } = times(profiles);
  const share = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
  console.log(`\n${label}: ${(total / 1000).toFixed(0)} ms sampled; most self time:`);
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`  ${share(us)}  ${key}`);
  const main = [...inclusive].filter(([key]) => paths.includes(key.split(':')[0] as string));
  console.log(`${label}: inclusive time of the host's paths:`);
  for (const [key, us] of main.sort((a, b) => b[1] - a[1])) console.log(`  ${share(us)}  ${key}`);
}

async function run(): Promise<void> {
  const buildDir = mkdtempSync(join(tmpdir(), 'kvscope-profile-build-'));
  const config = {
    root: webRoot,
    logLevel: 'warn' as const,
    build: { outDir: buildDir, emptyOutDir: true, minify: false },
  };
  await build(config);
  const server = await preview({ ...config, preview: { port: 4392, strictPort: true } });
  const profileDir = mkdtempSync(join(tmpdir(), 'kvscope-profile-browser-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    args: chromiumArgs,
  });
  try {
    // tsx compiles the functions handed to page.evaluate with esbuild's keepNames: give them `__name`.
    await context.addInitScript('globalThis.__name = (target) => target;');
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const workers = new WorkerSessions(cdp);
    await workers.attach();
    await page.goto('http://127.0.0.1:4392/?delay=0&workload=off');
    await allUp(page);
    await page.evaluate(() => window.kvscope.cluster.reset());
    await allUp(page);
    await page.waitForTimeout(500);
    if (timelineMode) {
      printPutTimelines(await recordPutTimelines(page, timelinePuts));
      return;
    }
    const nodes = workers.ids.slice(-5); // the reset's workers
    for (const id of nodes) {
      await workers.call(id, 'Profiler.enable');
      await workers.call(id, 'Profiler.setSamplingInterval', { interval: samplingUs });
      await workers.call(id, 'Profiler.start');
    }
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: samplingUs });
    await cdp.send('Profiler.start');
    const puts = await putsInFlight(page, loadMs, inFlight);
    const pageProfile = (await cdp.send('Profiler.stop')).profile as unknown as Profile;
    const workerProfiles: Profile[] = [];
    for (const id of nodes)
      workerProfiles.push(((await workers.call(id, 'Profiler.stop')) as { profile: Profile }).profile);
    console.log(
      `${puts} puts in ${loadMs} ms (${((puts * 1000) / loadMs).toFixed(0)}/s, ${inFlight} in flight) while profiling`,
    );
    print('page main thread', [pageProfile]);
    print(`${nodes.length} node workers`, workerProfiles);
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'page.cpuprofile'), JSON.stringify(pageProfile));
    for (const [i, p] of workerProfiles.entries())
      writeFileSync(join(outDir, `worker-${i + 1}.cpuprofile`), JSON.stringify(p));
    console.log(`\nprofiles written to ${outDir}`);
  } finally {
    await context.close();
    await server.close();
    rmSync(buildDir, { recursive: true, force: true });
    rmSync(profileDir, { recursive: true, force: true });
  }
}

await run();
