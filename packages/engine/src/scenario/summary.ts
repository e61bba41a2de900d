/**
 * The short text a person reads after a run (the CLI prints it): the checker verdicts, the Jepsen
 * table for set workloads, the headline metrics, and the seed with the command that replays the run.
 *
 *   jepsen-set · seed 42 · trace 3f9c…  VALID
 *   P1  no-lost-writes     ok        promised  acknowledged=1985 present=3 superseded=1982 lost=0
 *   …
 *   replay: npx kvscope run public/scenarios/jepsen-set.json --seed 42
 */

import { formatJepsenTable } from '../simulation/checkers/jepsenSet.ts';
import type { RunReport } from './report.ts';

export function summarizeReport(report: RunReport): string {
  const lines = [
    `${report.name} · seed ${report.seed} · trace ${report.traceHash}  ${report.valid ? 'VALID' : 'INVALID'}`,
  ];
  if (report.aborted) lines.push(`  ABORTED at ${report.aborted.atMs} ms: ${report.aborted.error}`);
  if (report.unfinishedChange) lines.push(`  UNFINISHED membership change: ${report.unfinishedChange}`);
  for (const result of report.checkers.results) {
    const verdict = result.valid ? 'ok' : `${result.violationCount} violation(s)`;
    const counts = Object.entries(result.counts)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ');
    lines.push(
      `  ${result.property.padEnd(3)} ${result.name.padEnd(18)} ${verdict.padEnd(16)} ${(result.promised ? 'promised' : 'measured').padEnd(9)} ${counts}`,
    );
    if (!result.valid && result.promised && result.violations[0])
      lines.push(`      first: ${result.violations[0].explanation}`);
  }
  const set = report.checkers.results.find((r) => r.name === 'jepsen-set');
  if (set) lines.push('', formatJepsenTable([{ label: report.name, result: set }]));
  const m = report.metrics;
  const all = m.latencyMs.all;
  lines.push(
    '',
    `operations ${m.operations.total}: ok ${m.operations.ok}, fail ${m.operations.fail}, info ${m.operations.info}, open ${m.operations.open}` +
      (all ? ` · latency p50 ${all.p50} ms, p99 ${all.p99} ms` : ''),
    `messages sent ${m.messages.sent}, delivered ${m.messages.delivered}, dropped ${m.messages.dropped} · stale reads ${m.staleReads} · reads with siblings ${m.siblings.readsWithSiblings} (max ${m.siblings.max})`,
    ...storageLine(report),
    `simulated ${(m.simulatedMs / 1_000).toFixed(1)} s` +
      (report.wall
        ? ` in ${report.wall.ms.toFixed(0)} ms wall (${Math.round(report.wall.operationsPerSecond).toLocaleString('en-US')} operations/s; simulation ${report.wall.simulateMs.toFixed(0)} ms, checking ${report.wall.checkMs.toFixed(0)} ms: final contents ${report.wall.finalStateMs.toFixed(0)} ms, checkers ${report.wall.checkersMs.toFixed(0)} ms)`
        : ''),
    `faults: ${report.faults.length === 0 ? 'none' : report.faults.map((f) => `${f.atMs} ms ${f.description}`).join('; ')}`,
    `seed ${report.seed} · replay: ${report.replay}`,
  );
  return lines.join('\n');
}

/** One line on what the nodes' LSM stores did, when they flushed or recovered anything. */
function storageLine(report: RunReport): string[] {
  const s = report.metrics.storage;
  if (!s || s.memtableFlushes + s.recoveries + s.errors === 0) return [];
  const mb = (s.tableBytesWritten / 1_048_576).toFixed(1);
  return [
    `storage: memtable flushes ${s.memtableFlushes}, compactions ${s.compactions}, tables written ${s.tablesWritten} (${mb} MiB), recoveries from disk ${s.recoveries} (log records replayed ${s.logRecordsReplayed}), scrub passes ${s.scrubPasses} (${s.blocksScrubbed} blocks verified), errors ${s.errors}`,
  ];
}
