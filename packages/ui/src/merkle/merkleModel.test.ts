import { describe, expect, it } from 'vitest';
import { type MerkleLevelView, rangeLabel, rangeShare, treeRows } from './merkleModel.ts';

const verdicts = (levels: MerkleLevelView[], depths: number) =>
  treeRows(levels, depths).map((row) => row.cells.map((c) => c.verdict[0]).join(''));

describe('treeRows', () => {
  it('compares at each depth exactly the children of the previous depth’s differing nodes', () => {
    const levels = [
      { depth: 0, by: 'n1', compared: 1, differing: 1, nodes: [1] },
      { depth: 1, by: 'n2', compared: 2, differing: 1, nodes: [2] },
      { depth: 2, by: 'n1', compared: 2, differing: 1, nodes: [5] },
    ];
    // d: differing, e: equal, n: not compared.
    expect(verdicts(levels, 4)).toEqual(['d', 'de', 'ednn', 'nnnnnnnn']);
  });

  it('draws an exchange whose roots were equal as one equal root and nothing else', () => {
    expect(verdicts([{ depth: 0, by: 'n3', compared: 1, differing: 0, nodes: [] }], 3)).toEqual([
      'e',
      'nn',
      'nnnn',
    ]);
  });

  it('marks unnamed cells unknown when a level named only part of its differing nodes', () => {
    const levels = [
      { depth: 0, by: 'n1', compared: 1, differing: 1, nodes: [1] },
      { depth: 1, by: 'n2', compared: 2, differing: 2, nodes: [2] },
      { depth: 2, by: 'n1', compared: 4, differing: 1, nodes: [4] },
    ];
    expect(verdicts(levels, 3)).toEqual(['d', 'du', 'deuu']);
  });
});

describe('ranges', () => {
  it('labels a range by ring percentages and its share, the whole ring included', () => {
    expect(rangeLabel({ start: 0, end: 0x8000_0000 })).toBe('0.0%–50.0% of the ring');
    expect(rangeShare({ start: 0xc000_0000, end: 0x4000_0000 })).toBe(0.5);
    expect(rangeLabel({ start: 7, end: 7 })).toBe('the whole ring');
    expect(rangeShare({ start: 7, end: 7 })).toBe(1);
  });
});
