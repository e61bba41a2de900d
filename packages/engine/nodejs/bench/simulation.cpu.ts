/**
 * CPU time of the simulation benchmark's runs, for A/B comparisons of engine changes on a noisy
 * host: `npm run profile:simulation [-- runs]` prints the least CPU time (user + system) of `runs`
 * kv runs (the bench's workload, seed 1) and of half as many Jepsen set runs (seed 42), each
 * parsed and run whole. On a shared machine wall time swings twofold from one minute to the next;
 * the least CPU time of a dozen runs swings far less, so run the old and the new code interleaved,
 * a few times each, and compare those. It is a tool, not a benchmark: it writes no results file.
 *
 * `npm run profile:simulation -- --alloc [sites]` measures allocation instead: V8's sampling heap
 * profiler over 3 kv runs (after 3 to warm up), counting objects the collectors freed too, prints
 * the bytes allocated per run and the top `sites` (default 30) as `function (file) <- caller`: no
 * line numbers, since the TypeScript loader's output is not laid out as the source. Functions V8
 * inlined are charged to their caller, so a site names where the object was made or the function
 * that inlined its maker. Unlike CPU time, the total moves by a percent or so from run to run.
 */

import { Session } from 'node:inspector/promises';
import { parseScenario } from '../../src/scenario/parseScenario.ts';
import type { RunReport } from '../../src/scenario/report.ts';
import { runScenario } from '../../src/scenario/runScenario.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import { benchKvScenario, benchSetScenario } from './benchScenarios.ts';

function cpuMs(file: object, seed: number): { ms: number; report: RunReport } {
  const before = process.cpuUsage();
  const report = runScenario(parseScenario(file) as Scenario, { seed }) as RunReport;
  const used = process.cpuUsage(before);
  return { ms: (used.user + used.system) / 1_000, report };
}

function leastCpu(runs: number): void {
  let operations = 0;
  let kv = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const { ms, report } = cpuMs(benchKvScenario, 1);
    kv = Math.min(kv, ms);
    operations = report.metrics.operations.total;
  }
  let set = Number.POSITIVE_INFINITY;
  for (let i = 0; i < Math.max(1, runs / 2); i++) set = Math.min(set, cpuMs(benchSetScenario, 42).ms);
  const perSecond = Math.round((operations * 1_000) / kv);
  console.log(
    `kv run: least CPU ${kv.toFixed(0)} ms of ${runs} (${operations} operations, ${perSecond} per CPU-second) · set run: least CPU ${set.toFixed(0)} ms`,
  );
}

interface ProfileNode {
  callFrame: { functionName: string; url: string };
  selfSize: number;
  children: ProfileNode[];
}

function siteOf(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  const file = url.slice(url.lastIndexOf('/') + 1);
  return `${functionName || '(anonymous)'} (${file || 'native'})`;
}

async function allocationSites(sites: number): Promise<void> {
  const runs = 3;
  for (let i = 0; i < runs; i++) cpuMs(benchKvScenario, 1); // warm up: the optimised code allocates less
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 512,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  for (let i = 0; i < runs; i++) cpuMs(benchKvScenario, 1);
  const { profile } = await session.post('HeapProfiler.stopSampling');
  session.disconnect();
  const bytes = new Map<string, number>();
  let total = 0;
  const visit = (node: ProfileNode, caller: ProfileNode | null): void => {
    if (node.selfSize > 0) {
      const site = `${siteOf(node)} <- ${caller ? siteOf(caller) : '(root)'}`;
      bytes.set(site, (bytes.get(site) ?? 0) + node.selfSize);
      total += node.selfSize;
    }
    for (const child of node.children) visit(child, node);
  };
  visit(profile.head as ProfileNode, null);
  const mb = (n: number) => (n / runs / 1e6).toFixed(2).padStart(6);
  console.log(`kv run: ${mb(total).trim()} MB allocated per run (sampled over ${runs} runs)`);
  const top = [...bytes].sort((a, b) => b[1] - a[1]).slice(0, sites);
  for (const [site, n] of top) console.log(`${mb(n)} MB  ${site}`);
}

const [first, second] = process.argv.slice(2);
if (first === '--alloc') {
  const sites = Number(second ?? 30);
  if (!Number.isInteger(sites) || sites < 0) throw new Error(`sites must be a whole number, got ${second}`);
  await allocationSites(sites);
} else {
  const runs = Number(first ?? 12);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`runs must be a positive integer, got ${first}`);
  leastCpu(runs);
}
