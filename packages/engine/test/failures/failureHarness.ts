/**
 * Shared by the failure-handling tests (TESTING T3, T4, T7, T8): the set workload on a five-node
 * cluster as a scenario file, the per-replica check that every acknowledged element reached every
 * replica of the key, and the figures (availability during the fault, latency, messages per
 * operation, repair counts) the tests print as tables.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isKvError } from '../../src/errors.ts';
import type { ClusterEvent } from '../../src/protocol/events.ts';
import { parseScenario } from '../../src/scenario/parseScenario.ts';
import type { RunReport } from '../../src/scenario/report.ts';
import { runScenario } from '../../src/scenario/runScenario.ts';
import type { HistoryOp } from '../../src/simulation/history.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** Like the Jepsen harness's `run`, also collecting the run's cluster events; the replay file is written. */
export function runWithEvents(file: Record<string, unknown> & { name: string }, seed: number) {
  const path = join('reports', 'replay', `${file.name}.json`);
  mkdirSync(dirname(join(repoRoot, path)), { recursive: true });
  writeFileSync(join(repoRoot, path), `${JSON.stringify(file, null, 2)}\n`);
  const scenario = parseScenario(file);
  if (isKvError(scenario)) throw scenario;
  const events: ClusterEvent[] = [];
  const keep = (e: ClusterEvent) => {
    if (!e.type.startsWith('message.') && e.type !== 'request.started' && e.type !== 'replica.answered')
      events.push(e);
  };
  const report = runScenario(scenario, { seed, scenarioPath: path, onEvent: keep });
  if (isKvError(report)) throw report;
  return { report, events, replay: `seed ${seed} — replay: ${report.replay}` };
}

export const fiveNodes = ['n1', 'n2', 'n3', 'n4', 'n5'];

type Overrides = { cluster?: Record<string, unknown>; workload?: Record<string, unknown> };

/** The failure tests' cluster (five nodes, N=3, R=W=2, sloppy, gossip) with `workload` and `faults`. */
export function failureScenario(
  name: string,
  workload: Record<string, unknown>,
  faults: Record<string, unknown>[],
  overrides: Overrides = {},
) {
  return {
    name,
    description: `failure test ${name}`,
    seed: 1,
    cluster: {
      nodes: 5,
      n: 3,
      r: 2,
      w: 2,
      quorum: 'sloppy',
      detector: 'gossip',
      timeouts: { antiEntropyIntervalMs: 2_000 },
      ...overrides.cluster,
    },
    workload: { ...workload, ...overrides.workload },
    faults,
  };
}

/** A set-workload scenario: `elements` adds over `durationMs`, then a quiet `settleMs`. */
export function setScenario(name: string, faults: Record<string, unknown>[], overrides: Overrides = {}) {
  const workload = {
    kind: 'set',
    key: 'set',
    clients: 5,
    elements: 300,
    ratePerSecond: 20,
    durationMs: 16_000,
    settleMs: 12_000,
  };
  return failureScenario(name, workload, faults, overrides);
}

/** Acknowledged elements missing from each replica of the set key, by node (P1 on every replica). */
export function missingOnReplicas(report: RunReport, key: string, replicas: readonly string[]) {
  const acked = ackedAdds(report.history);
  const missing: Record<string, number[]> = {};
  for (const node of replicas) {
    const held = new Set<number>();
    for (const sibling of report.finalState[node]?.[key] ?? [])
      if (Array.isArray(sibling.value)) for (const e of sibling.value as number[]) held.add(e);
    const gone = acked.filter((e) => !held.has(e));
    if (gone.length > 0) missing[node] = gone;
  }
  return missing;
}

function ackedAdds(history: readonly HistoryOp[]): number[] {
  return history.filter((op) => op.f === 'add' && op.type === 'ok').map((op) => op.value as number);
}

/** Share of operations invoked in [from, to) that completed ok. */
export function availability(history: readonly HistoryOp[], from: number, to: number): number {
  const invoked = new Map<number, HistoryOp>();
  let total = 0;
  let ok = 0;
  for (const op of history) {
    if (op.type === 'invoke') {
      invoked.set(op.process, op);
      continue;
    }
    const invoke = invoked.get(op.process);
    if (invoke === undefined || op.f === 'read' || invoke.time < from || invoke.time >= to) continue;
    total++;
    if (op.type === 'ok') ok++;
  }
  return total === 0 ? 1 : ok / total;
}

/** A plain text table with right-aligned columns after the first. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

export const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
export const ms = (x: number | null | undefined) =>
  x === null || x === undefined ? '–' : `${Math.round(x)} ms`;
