/**
 * T9 (TESTING.md): crash points of the LSM. A workload exercising log appends, memtable flushes,
 * compactions, manifest switches, log rotation and file deletion runs on a recording faulty disk.
 * For EVERY prefix of its file-system trace we rebuild the disk as it was at that point, crash it
 * three ways (process crash; power loss dropping unsynced writes; power loss tearing the last
 * write), reopen the store and check:
 *   - every write acknowledged by a completed sync is present;
 *   - the contents equal the model after some prefix of the operations (nothing invented, no
 *     delete undone, no write reordered), between the last completed sync and the last issued op;
 *   - point reads agree with the scan.
 * Then bit flips in the log and in table blocks: reported as KV_CORRUPTION or dropped as torn,
 * never returned as data. KVSCOPE_T9_OPS raises the workload length (default keeps it to seconds).
 */

import { describe, expect, it } from 'vitest';
import { isKvError } from '../../src/errors.ts';
import { Rng } from '../../src/random/rng.ts';
import type { CompactionStrategy } from '../../src/storage/compaction/plan.ts';
import {
  FaultyFileSystem,
  type FsOperation,
  replayOperations,
} from '../../src/storage/files/faultyFileSystem.ts';
import { LsmStore } from '../../src/storage/lsmStore.ts';
import { ManualClock } from '../../src/time/clock.ts';
import { applyOp, modelStates, type Op, sameMap, storeContents, tinyStore, workload } from './workload.ts';

const opsCount = Number(process.env.KVSCOPE_T9_OPS ?? 220);

interface Recorded {
  ops: Op[];
  trace: FsOperation[];
  /** traceAfter[i]: trace length when op i had returned. */
  traceAfter: number[];
  eventTypes: Set<string>;
  finalDisk: FaultyFileSystem;
}

function record(seed: number, compaction: CompactionStrategy): Recorded {
  const ops = workload(seed, opsCount);
  const fs = new FaultyFileSystem({ recordTrace: true });
  const options = { ...tinyStore, compaction, clock: new ManualClock(0) };
  const store = LsmStore.open(fs, options);
  const traceAfter: number[] = [];
  const eventTypes = new Set<string>();
  for (const op of ops) {
    applyOp(store, op);
    traceAfter.push(fs.trace.length);
    for (const event of store.drainEvents()) eventTypes.add(event.type);
  }
  store.sync();
  return { ops, trace: [...fs.trace], traceAfter, eventTypes, finalDisk: fs };
}

/** [lowest, highest] number of ops a state at trace position `point` may reflect. */
function legalRange(recorded: Recorded, point: number): [number, number] {
  let durable = 0;
  let issued = 0;
  recorded.ops.forEach((op, i) => {
    const after = recorded.traceAfter[i] as number;
    if (op.kind === 'sync' && after <= point) durable = i + 1;
    if (i === 0 || (recorded.traceAfter[i - 1] as number) <= point) issued = i + 1;
  });
  return [durable, issued];
}

function checkState(
  store: LsmStore,
  states: Map<string, string>[],
  [low, high]: [number, number],
  where: string,
) {
  const contents = storeContents(store);
  let match = -1;
  for (let j = high; j >= low && match < 0; j--)
    if (sameMap(contents, states[j] as Map<string, string>)) match = j;
  if (match < 0) {
    throw new Error(
      `${where}: contents ${JSON.stringify([...contents])} match no prefix in [${low}, ${high}]`,
    );
  }
  for (let k = 0; k < 30; k++) {
    const key = `k${String(k).padStart(2, '0')}`;
    const value = store.get(key);
    expect(value === undefined ? undefined : new TextDecoder().decode(value), `${where}: get ${key}`).toBe(
      contents.get(key),
    );
  }
}

describe.each(['size-tiered', 'leveled'] as const)('T9 crash points (%s)', (compaction) => {
  const recorded = record(9, compaction);
  const states = modelStates(recorded.ops);

  it('the workload exercises every kind of file operation', () => {
    for (const type of [
      'log.appended',
      'log.synced',
      'memtable.flushed',
      'compaction.done',
      'manifest.switched',
      'log.rotated',
      'table.deleted',
    ]) {
      expect(recorded.eventTypes.has(type), type).toBe(true);
    }
    const kinds = new Set(recorded.trace.map((op) => op.op));
    expect([...kinds].sort()).toEqual(['create', 'delete', 'flush', 'rename', 'truncate', 'write']);
  });

  it('every crash state reopens to a legal prefix holding every synced write', () => {
    let checked = 0;
    for (let point = 0; point <= recorded.trace.length; point++) {
      const range = legalRange(recorded, point);
      for (const [kind, mode] of [
        ['process', 'drop'],
        ['power', 'drop'],
        ['power', 'tear'],
      ] as const) {
        const disk = replayOperations(recorded.trace.slice(0, point));
        disk.crash(kind, mode);
        const where = `crash point ${point}/${recorded.trace.length} (${kind}, ${mode}; op ${JSON.stringify(recorded.trace[point - 1] ?? null).slice(0, 80)})`;
        const store = LsmStore.open(disk, { ...tinyStore, compaction });
        checkState(store, states, range, where);
        checked++;
      }
    }
    expect(checked).toBe(3 * (recorded.trace.length + 1));
  });

  it('bit flips in the log and in table blocks are reported or dropped, never returned', () => {
    const final = states[states.length - 1] as Map<string, string>;
    const rng = new Rng(99, compaction);
    const files = recorded.finalDisk.list().filter((f) => f.endsWith('.log') || f.endsWith('.sst'));
    expect(files.some((f) => f.endsWith('.sst'))).toBe(true);
    let reported = 0;
    for (const file of files) {
      const size = sizeOf(recorded.finalDisk, file);
      for (let trial = 0; trial < 12 && size > 0; trial++) {
        const disk = replayOperations(recorded.trace);
        disk.flipBit(file, rng.int(size), rng.int(8));
        try {
          const store = LsmStore.open(disk, { ...tinyStore, compaction });
          const contents = storeContents(store);
          // A flipped last log record is dropped as a torn tail: a prefix, never a changed value.
          const legal = states.some((state) => sameMap(contents, state));
          expect(legal, `${file}: contents after a flip are not a legal state`).toBe(true);
          if (file.endsWith('.sst')) expect(sameMap(contents, final)).toBe(true);
        } catch (error) {
          if (!isKvError(error) || error.code !== 'KV_CORRUPTION') throw error;
          expect(error.message).toMatch(/offset \d+/);
          reported++;
        }
      }
    }
    expect(reported).toBeGreaterThan(0);
  });
});

function sizeOf(fs: FaultyFileSystem, name: string): number {
  const handle = fs.open(name);
  const size = handle.size();
  handle.close();
  return size;
}
