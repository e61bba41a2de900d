import { describe, expect, it } from 'vitest';
import type { TableMeta } from '../sstable/tableFormat.ts';
import { type CompactionPolicy, planCompaction, planFullCompaction, readOrder } from './plan.ts';

let nextSeq = 1;
function table(id: number, bytes: number, level = 0, smallest = 'a', largest = 'z'): TableMeta {
  const minSeq = nextSeq;
  nextSeq += 10;
  return {
    id,
    level,
    bytes,
    entries: 1,
    tombstones: 0,
    smallest,
    largest,
    minSeq,
    maxSeq: minSeq + 9,
    rawBlockBytes: bytes,
    storedBlockBytes: bytes,
    filterBits: 64,
    filterHashes: 7,
  };
}

const tiered: CompactionPolicy = {
  strategy: 'size-tiered',
  tieredMergeWidthMin: 4,
  tieredSizeRatioMax: 2,
  leveledL0TablesMax: 4,
  leveledL1BytesMax: 1000,
  leveledLevelsMax: 4,
};
const leveled: CompactionPolicy = { ...tiered, strategy: 'leveled' };

describe('size-tiered plan', () => {
  it('waits for four tables of similar size, then merges the newest run of them', () => {
    const old = table(1, 10_000);
    const small = [table(2, 100), table(3, 120), table(4, 90)];
    expect(planCompaction([old, ...small], tiered)).toBeNull();
    const plan = planCompaction([old, ...small, table(5, 110)], tiered);
    expect(plan?.inputs.sort()).toEqual([2, 3, 4, 5]);
    expect(plan?.bottommost).toBe(false);
  });

  it('is bottommost when the run includes the oldest table', () => {
    const plan = planCompaction([table(1, 100), table(2, 100), table(3, 100), table(4, 100)], tiered);
    expect(plan?.bottommost).toBe(true);
  });

  it('never merges tables that are not adjacent in time', () => {
    // newest first: 100, 100, 100, then a big one, then 100: the old small table must not join.
    const tables = [table(1, 100), table(2, 50_000), table(3, 100), table(4, 100), table(5, 100)];
    expect(planCompaction(tables, tiered)).toBeNull();
  });
});

describe('leveled plan', () => {
  it('merges level 0 into the overlapping tables of level 1 when it is full', () => {
    const l1 = [table(1, 300, 1, 'a', 'f'), table(2, 300, 1, 'g', 'm'), table(3, 300, 1, 'n', 'z')];
    const l0 = [table(4, 100, 0, 'b', 'c'), table(5, 100, 0, 'd', 'h'), table(6, 100, 0, 'c', 'e')];
    expect(planCompaction([...l1, ...l0], leveled)).toBeNull();
    const plan = planCompaction([...l1, ...l0, table(7, 100, 0, 'a', 'b')], leveled);
    expect(plan?.inputs.sort()).toEqual([1, 2, 4, 5, 6, 7]);
    expect(plan?.outputLevel).toBe(1);
    expect(plan?.bottommost).toBe(true);
  });

  it('pushes the oldest table of an over-full level down, not bottommost when deeper data overlaps', () => {
    const tables = [
      table(1, 600, 1, 'a', 'f'),
      table(2, 600, 1, 'g', 'z'),
      table(3, 100, 2, 'b', 'c'),
      table(4, 100, 3, 'a', 'z'),
    ];
    const plan = planCompaction(tables, leveled);
    expect(plan?.inputs.sort()).toEqual([1, 3]);
    expect(plan?.outputLevel).toBe(2);
    expect(plan?.bottommost).toBe(false);
  });

  it('reads level 0 newest first, then deeper levels', () => {
    const tables = [table(1, 1, 2), table(2, 1, 1), table(3, 1, 0), table(4, 1, 0)];
    expect(readOrder(tables).map((t) => t.id)).toEqual([4, 3, 2, 1]);
  });
});

describe('full compaction plan', () => {
  it('takes every table and is bottommost; none without tables', () => {
    expect(planFullCompaction([], 'size-tiered')).toBeNull();
    const plan = planFullCompaction([table(1, 1, 0), table(2, 1, 2)], 'leveled');
    expect(plan).toMatchObject({ inputs: [1, 2], outputLevel: 2, bottommost: true });
  });
});
