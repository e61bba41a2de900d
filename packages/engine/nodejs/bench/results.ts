/**
 * Benchmark results: every benchmark compares our figure with a named peer measured in the same run,
 * prints the ratio, and writes `bench/results/<area>.json` as
 * `{ "<measure>": { ours, peer, peerName, ratio, unit } }` (generated, git-ignored).
 *
 * `ratio` is always "how many times better we are": ours/peer for rates (higher is better) and
 * peer/ours for costs such as latency or bytes (lower is better), so > 1 means we win.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Measure {
  ours: number;
  peer: number;
  peerName: string;
  unit: string;
  /** 'higher' for rates (ops/s), 'lower' for costs (ms, bytes). */
  better: 'higher' | 'lower';
}

export interface MeasureRecord {
  ours: number;
  peer: number;
  peerName: string;
  ratio: number;
  unit: string;
}

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

export function resultsPath(area: string): string {
  return join(repoRoot, 'bench', 'results', `${area}.json`);
}

export function ratioOf(m: Measure): number {
  if (m.ours === 0 || m.peer === 0) return 0;
  return m.better === 'higher' ? m.ours / m.peer : m.peer / m.ours;
}

const round = (n: number) => (Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 1000) / 1000);

/** Prints a table of the measures and writes them to bench/results/<area>.json. */
export function reportResults(
  area: string,
  measures: Record<string, Measure>,
): Record<string, MeasureRecord> {
  const records: Record<string, MeasureRecord> = {};
  for (const [name, m] of Object.entries(measures)) {
    records[name] = {
      ours: round(m.ours),
      peer: round(m.peer),
      peerName: m.peerName,
      ratio: round(ratioOf(m)),
      unit: m.unit,
    };
  }
  const rows = Object.entries(records).map(([name, r]) => ({
    measure: name,
    ours: r.ours,
    peer: `${r.peer} (${r.peerName})`,
    unit: r.unit,
    'ratio (×, >1 = ours better)': r.ratio,
  }));
  console.log(`\n${area}`);
  console.table(rows);
  const path = resultsPath(area);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(records, null, 2)}\n`);
  console.log(`wrote ${path}`);
  return records;
}

/** Median of a list of numbers (copies; does not sort in place). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}
