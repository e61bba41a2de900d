import { describe, expect, it } from 'vitest';
import { sampleSnapshot, sampleStorage } from '../fixtures/sampleData.ts';
import {
  bloomTotals,
  bloomVerdict,
  isKvNodeSnapshot,
  levelSummaries,
  memtableFill,
} from './inspectorModel.ts';

describe('inspector model', () => {
  it('judges a Bloom filter against its target only with enough absent-key checks', () => {
    const target = 0.01;
    expect(bloomVerdict({ negatives: 0, falsePositives: 0, targetFalsePositiveRate: target }).status).toBe(
      'no checks yet',
    );
    expect(bloomVerdict({ negatives: 10, falsePositives: 1, targetFalsePositiveRate: target }).status).toBe(
      'too few checks',
    );
    expect(
      bloomVerdict({ negatives: 990, falsePositives: 10, targetFalsePositiveRate: target }),
    ).toMatchObject({
      status: 'within target',
      measured: 0.01,
      absentChecks: 1_000,
    });
    expect(bloomVerdict({ negatives: 950, falsePositives: 50, targetFalsePositiveRate: target }).status).toBe(
      'above target',
    );
  });

  it('sums Bloom counts over every table and gives each level its key range and totals', () => {
    const totals = bloomTotals(sampleStorage);
    expect(totals).toMatchObject({ negatives: 520, truePositives: 156, falsePositives: 7 });
    expect(levelSummaries(sampleStorage)).toEqual([
      { level: 0, tables: 1, bytes: 1_204 * 41, entries: 1_204, smallest: 'k0', largest: 'k99' },
      { level: 1, tables: 2, bytes: 5_040 * 41, entries: 5_040, smallest: 'k0', largest: 'k99' },
    ]);
  });

  it('measures the memtable’s fill and recognises a KvNode snapshot', () => {
    expect(memtableFill(sampleStorage)).toBeCloseTo(17_204 / 65_536);
    expect(isKvNodeSnapshot(sampleSnapshot)).toBe(true);
    expect(isKvNodeSnapshot({ id: sampleSnapshot.id, kind: 'ping', at: 0 })).toBe(false);
  });
});
