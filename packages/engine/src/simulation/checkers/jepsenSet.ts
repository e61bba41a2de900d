/**
 * The Jepsen set test (TESTING T2, after Kingsbury's Riak analysis): clients `add` distinct
 * integers to one key by read–union–write with the context; at the end one `read` returns the set.
 * Every acknowledged add must be in the final read; with siblings none is lost, with last-write-wins
 * concurrent read–union–writes overwrite each other (Jepsen saw Riak lose 71–92%).
 *
 *   history: add 0 ok, add 1 info, add 2 ok, … , read ok [0 1 2 …]
 *   table:   attempted · acknowledged · survivors · acknowledged lost · unacknowledged found · ok/fail/info
 *
 * The final read is the last `ok` read of the key in the history (the workload issues it with
 * R = N after the settle time). An element in it that no add attempted is a violation too (the store
 * invented it). A `fail` add may still appear (Dynamo's fail means "quorum not reached", and a
 * replica may have stored it): that counts as *unacknowledged found*, not as a violation. Promised
 * as P1 is (checker.ts `acknowledgedWritesKept`).
 */

import type { HistoryOp } from '../history.ts';
import {
  acknowledgedWritesKept,
  type CheckerConfig,
  type CheckerResult,
  countOutcomes,
  type Operation,
  operations,
  outcome,
  ViolationLog,
} from './checker.ts';

export interface JepsenSetTable {
  attempted: number;
  acknowledged: number;
  survivors: number;
  acknowledgedLost: number;
  unacknowledgedFound: number;
  unexpected: number;
  ok: number;
  fail: number;
  info: number;
}

export function checkJepsenSet(
  history: readonly HistoryOp[],
  config?: Partial<Pick<CheckerConfig, 'conflictMode' | 'w' | 'wipes'>>,
): CheckerResult {
  const all = operations(history);
  const adds = all.filter((op) => op.invoke.f === 'add');
  const log = new ViolationLog();
  const finalRead = lastOkRead(all);
  const key = finalRead?.invoke.key ?? adds[0]?.invoke.key ?? '';
  const found = new Set(finalRead === null ? [] : elementsOf(finalRead.completion as HistoryOp));
  if (finalRead === null && adds.length > 0) {
    log.add('no-final-read', key, [], `no read of ${key} completed ok, so no add can be confirmed`);
  }
  const attempted = new Set<number>();
  let acknowledged = 0;
  let acknowledgedLost = 0;
  let unacknowledgedFound = 0;
  for (const add of adds) {
    const element = add.invoke.value as number;
    attempted.add(element);
    const acked = outcome(add) === 'ok';
    if (acked) acknowledged++;
    if (acked && !found.has(element)) {
      acknowledgedLost++;
      if (finalRead !== null) logLost(log, add, finalRead, element);
    }
    if (!acked && found.has(element)) unacknowledgedFound++;
  }
  let unexpected = 0;
  for (const element of found) {
    if (attempted.has(element)) continue;
    unexpected++;
    log.add(
      'unexpected-element',
      key,
      [finalRead?.completion?.index ?? -1],
      `the final read returned ${element}, which no add ever attempted`,
    );
  }
  const table: JepsenSetTable = {
    attempted: adds.length,
    acknowledged,
    survivors: found.size,
    acknowledgedLost,
    unacknowledgedFound,
    unexpected,
    ...countOutcomes(adds),
  };
  return log.result('jepsen-set', 'T2', acknowledgedWritesKept(config), { ...table });
}

function lastOkRead(all: readonly Operation[]): Operation | null {
  for (let i = all.length - 1; i >= 0; i--) {
    const op = all[i]!;
    if (op.invoke.f === 'read' && op.completion?.type === 'ok') return op;
  }
  return null;
}

function elementsOf(read: HistoryOp): number[] {
  return Array.isArray(read.value) ? read.value : [];
}

function logLost(log: ViolationLog, add: Operation, finalRead: Operation, element: number): void {
  const ack = add.completion as HistoryOp;
  const read = finalRead.completion as HistoryOp;
  log.add(
    'acknowledged-add-lost',
    add.invoke.key,
    [ack.index, read.index],
    () =>
      `add ${element} was acknowledged at ${ack.time} ms (process ${ack.process}) but the final read at ${read.time} ms does not contain it`,
  );
}

/** The table's numbers back from a checker result. */
export function jepsenSetTable(result: CheckerResult): JepsenSetTable {
  const c = result.counts;
  return {
    attempted: c.attempted ?? 0,
    acknowledged: c.acknowledged ?? 0,
    survivors: c.survivors ?? 0,
    acknowledgedLost: c.acknowledgedLost ?? 0,
    unacknowledgedFound: c.unacknowledgedFound ?? 0,
    unexpected: c.unexpected ?? 0,
    ok: c.ok ?? 0,
    fail: c.fail ?? 0,
    info: c.info ?? 0,
  };
}

const columns: [string, (t: JepsenSetTable) => string][] = [
  ['total', (t) => String(t.attempted)],
  ['acked', (t) => String(t.acknowledged)],
  ['survivors', (t) => String(t.survivors)],
  ['acked lost', (t) => String(t.acknowledgedLost)],
  [
    'lost %',
    (t) => (t.acknowledged === 0 ? '–' : `${((100 * t.acknowledgedLost) / t.acknowledged).toFixed(1)}%`),
  ],
  ['unacked found', (t) => String(t.unacknowledgedFound)],
  ['ok', (t) => String(t.ok)],
  ['fail', (t) => String(t.fail)],
  ['info', (t) => String(t.info)],
];

/**
 * The Jepsen table as text, one row per configuration:
 *
 *   configuration        total  acked  survivors  acked lost  lost %  unacked found    ok  fail  info
 *   R=W=2 sloppy          2000   1985       1990           0    0.0%              5  1985     3    12
 */
export function formatJepsenTable(rows: readonly { label: string; result: CheckerResult }[]): string {
  const header = ['configuration', ...columns.map(([name]) => name)];
  const body = rows.map(({ label, result }) => {
    const table = jepsenSetTable(result);
    return [label, ...columns.map(([, cell]) => cell(table))];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), ...body.map(line)].join('\n');
}
