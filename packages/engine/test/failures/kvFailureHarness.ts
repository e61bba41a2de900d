/**
 * Shared by the kv-workload variants of the failure tests (TESTING T3, T7): the kv workload on a
 * five-node cluster as a scenario file, the verdict of every checker, and the figures the tests
 * print as tables (availability during the fault, siblings, convergence time, violations).
 *
 * The workload is built to make siblings: five clients, one bound to each node, get / put / delete
 * eight shared keys with the context of their own last read of the key, so writers on different
 * nodes race on every key; a fifth of the writes are deletes, so P9 has deleted keys to judge.
 */

import type { RunReport } from '../../src/scenario/report.ts';
import { availability, failureScenario, ms, pct } from './failureHarness.ts';

export const kvKeys = 8;

/** A kv-workload scenario: the workload runs for `durationMs`, then a quiet `settleMs`. */
export function kvScenario(
  name: string,
  faults: Record<string, unknown>[],
  overrides: Parameters<typeof failureScenario>[3] = {},
) {
  const workload = {
    kind: 'kv',
    clients: 5,
    keys: kvKeys,
    mix: { get: 0.5, put: 0.35, delete: 0.15 },
    valueBytes: 24,
    ratePerSecond: 30,
    durationMs: 14_000,
    settleMs: 8_000,
  };
  return failureScenario(name, workload, faults, overrides);
}

/**
 * Every violation of a promised property, one line each ("P2 provenance k1: …"); an abort; a
 * membership change that never ended.
 */
export function promisedViolations(report: RunReport): string[] {
  const lines: string[] = [];
  for (const result of report.checkers.results) {
    if (!result.promised || result.valid) continue;
    const more = result.violationCount - result.violations.length;
    for (const v of result.violations) lines.push(`${result.property} ${v.rule} ${v.key}: ${v.explanation}`);
    if (more > 0) lines.push(`${result.property}: ${more} more`);
  }
  if (report.aborted) lines.push(`aborted at ${report.aborted.atMs} ms: ${report.aborted.error}`);
  // Liveness: after the quiet period every join and decommission has ended.
  if (report.unfinishedChange) lines.push(`unfinished membership change: ${report.unfinishedChange}`);
  return lines;
}

/** "0" when every promised property held, else the counts of the failing ones ("P2:3 P7:1"). */
export function violationSummary(report: RunReport): string {
  const failing = report.checkers.results.filter((r) => r.promised && !r.valid);
  if (report.aborted) return 'aborted';
  return failing.length === 0 ? '0' : failing.map((r) => `${r.property}:${r.violationCount}`).join(' ');
}

/** The properties a run promised (its checkers' verdicts count), e.g. "P1 P2 P3 P7 P9". */
export function promisedProperties(report: RunReport): string {
  return report.checkers.results
    .filter((r) => r.promised)
    .map((r) => r.property)
    .join(' ');
}

/** The largest sibling set any replica holds for any key at the end. */
export function finalSiblingsMax(report: RunReport): number {
  let max = 0;
  for (const keys of Object.values(report.finalState))
    for (const versions of Object.values(keys)) max = Math.max(max, versions.length);
  return max;
}

function count(report: RunReport, property: string, name: string): number {
  return report.checkers.results.find((r) => r.property === property)?.counts[name] ?? 0;
}

/** Final reads P9 judged (reads of keys whose last write was an acknowledged delete). */
export const deletedKeyReadsJudged = (report: RunReport) => count(report, 'P9', 'readsJudged');

/** One row of the kv tables: the figures every kv failure test prints. */
export function kvRow(report: RunReport, fault: { from: number; to: number }): string[] {
  const m = report.metrics;
  return [
    pct(availability(report.history, fault.from, fault.to)),
    `${m.siblings.readsWithSiblings}/${m.siblings.reads}`,
    String(m.siblings.max),
    String(finalSiblingsMax(report)),
    String(deletedKeyReadsJudged(report)),
    String(count(report, 'P4', 'staleReads')),
    String(m.repair?.writeBackReplicas ?? 0),
    String(m.repair?.hintsStored ?? 0),
    ms(m.repair?.convergedAfterMs),
    violationSummary(report),
  ];
}

export const kvRowHeader = [
  'avail. in fault',
  'reads w/ siblings',
  'max siblings',
  'final max',
  'P9 reads',
  'stale reads',
  'written back',
  'hints',
  'converged after heal',
  'violations',
];
