/**
 * Simulated cluster throughput (issue 4 §8): simulated client operations per wall-second for 5
 * nodes, N = 3, R = W = 2 (kv workload: 1,000 keys, half gets, half puts, 10 clients), the whole
 * runner included (clients, nodes with their LSM stores on faulty disks, checkers, report), and the
 * same for the simulation alone (the run up to its final reads, from the report's wall split); and
 * the wall time of a 2,000-add Jepsen set run, warm (in this process, after the kv runs) and cold
 * (the shipped scenario in a fresh `kvscope run` process, as a user first meets it). Peer: the same
 * runner and workload against a Map-backed node that answers from memory without replicating or
 * storing (the simulator + clients + checkers bound). Target: ≥ 50,000 operations per wall-second.
 *
 * Run: `npm run bench:simulation`. Figures: bench/results/simulation.json.
 */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { NodeEnv, NodeInput, NodeOutput, StorageNode } from '../../src/node/contract.ts';
import { emptyOutput } from '../../src/node/contract.ts';
import { parseScenario } from '../../src/scenario/parseScenario.ts';
import type { RunReport } from '../../src/scenario/report.ts';
import { type RunOptions, runScenario } from '../../src/scenario/runScenario.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import { benchKvScenario, benchSetScenario } from './benchScenarios.ts';
import { type Measure, median, reportResults } from './results.ts';

/** The peer's node: a Map, answering every request at once, with no messages and no disk. */
function createMapNode(env: NodeEnv): StorageNode {
  const data = new Map<string, Uint8Array | null>();
  let counter = 0;
  return {
    id: env.id,
    step(input: NodeInput): NodeOutput {
      const out = emptyOutput();
      if (input.type !== 'request' || input.request.type === 'stats') return out;
      const request = input.request;
      const base = { requestId: request.requestId, coordinator: env.id, ok: true as const };
      if (request.type === 'get') {
        const value = data.get(request.key);
        const siblings = value === undefined ? [] : [{ clock: [], value, timestamp: 0 }];
        out.replies.push({ ...base, type: 'get', siblings, context: [], answeredBy: [env.id] });
      } else {
        data.set(request.key, request.type === 'put' ? request.value : null);
        const clock = [{ node: env.id, counter: ++counter, timestamp: input.now }];
        out.replies.push({ ...base, type: request.type, clock, ackedBy: [env.id] });
      }
      return out;
    },
    sync() {},
    snapshot: (now) => ({ id: env.id, kind: 'map', at: now }),
    close() {},
  };
}

function timedRun(file: object, options: RunOptions = {}): { report: RunReport; ms: number } {
  const scenario = parseScenario(file) as Scenario;
  const started = performance.now();
  const report = runScenario(scenario, { ...options, wallClock: () => performance.now() }) as RunReport;
  return { report, ms: performance.now() - started };
}

/**
 * Median operations per wall-second over three seeds: of the whole run, and of the simulation alone.
 * Steady state: three runs first, because code that runs once per run (the checkers, the report) is
 * still unoptimised after one; the cold figure is the fresh-process Jepsen run's.
 */
function operationsPerSecond(options: RunOptions): { whole: number; simulation: number } {
  for (const seed of [101, 102, 103]) timedRun(benchKvScenario, { ...options, seed }); // warm-up
  const runs = [1, 2, 3].map((seed) => timedRun(benchKvScenario, { ...options, seed }).report);
  const rate = (ms: (r: RunReport) => number) =>
    median(runs.map((r) => (r.metrics.operations.total * 1_000) / ms(r)));
  return { whole: rate((r) => r.wall?.ms ?? 0), simulation: rate((r) => r.wall?.simulateMs ?? 0) };
}

/**
 * The shipped T2 scenario as a user runs it, `kvscope run public/scenarios/jepsen-set.json`: a fresh
 * process, so the code is still cold. The report's wall time (the run, not the process start).
 */
function coldJepsenRunMs(): number {
  const out = join(mkdtempSync(join(tmpdir(), 'kvscope-bench-')), 'report.json');
  const cli = fileURLToPath(new URL('../bin/kvscope.mjs', import.meta.url));
  const scenario = fileURLToPath(new URL('../../../../public/scenarios/jepsen-set.json', import.meta.url));
  const run = spawnSync(process.execPath, [cli, 'run', scenario, '--seed', '42', '--out', out], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`kvscope run failed: ${run.stderr}`);
  const report = JSON.parse(readFileSync(out, 'utf8')) as RunReport;
  rmSync(dirname(out), { recursive: true, force: true });
  return report.wall?.ms ?? Number.NaN;
}

const cold = median([coldJepsenRunMs(), coldJepsenRunMs(), coldJepsenRunMs()]);
const ours = operationsPerSecond({});
const peer = operationsPerSecond({ createNode: createMapNode });
const jepsen = median([42, 43, 44].map((seed) => timedRun(benchSetScenario, { seed }).ms));
const peerName = 'same runner, Map-backed node without replication or storage';
const measures: Record<string, Measure> = {
  'kv ops per wall-second (5 nodes, N=3, R=W=2)': {
    ours: ours.whole,
    peer: peer.whole,
    peerName,
    unit: 'ops/s',
    better: 'higher',
  },
  'kv ops per wall-second, simulation only (without final contents and checkers)': {
    ours: ours.simulation,
    peer: peer.simulation,
    peerName,
    unit: 'ops/s',
    better: 'higher',
  },
  'the shipped Jepsen set scenario (2,000 adds, 50 simulated s) in a fresh kvscope process (wall ms)': {
    ours: cold,
    peer: (2_000 * 1_000) / 50_000,
    peerName: 'the target: 2,000 adds at 50,000 ops/s',
    unit: 'ms',
    better: 'lower',
  },
  'Jepsen set run, 2,000 adds (wall ms)': {
    ours: jepsen,
    peer: (2_000 * 1_000) / 50_000,
    peerName: 'the target: 2,000 adds at 50,000 ops/s',
    unit: 'ms',
    better: 'lower',
  },
};
reportResults('simulation', measures);
