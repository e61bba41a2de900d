import { describe, expect, it } from 'vitest';
import { checkSiblingSoundness } from './siblingSoundness.ts';
import { Script } from './testing/histories.ts';

/** The chapter's D3/D4 → D5: two concurrent writes after D2, read as siblings, merged by D5. */
function d3d4(): Script {
  return new Script()
    .put(1, 'k', 'D1', { sx: 1 })
    .put(1, 'k', 'D2', { sx: 2 }, { sx: 1 })
    .put(2, 'k', 'D3', { sx: 2, sy: 1 }, { sx: 2 })
    .put(3, 'k', 'D4', { sx: 2, sz: 1 }, { sx: 2 });
}

describe('checkSiblingSoundness (P2)', () => {
  it('passes the D3/D4 → D5 example, final state included', () => {
    const s = d3d4()
      .get(1, 'k', [
        { value: 'D3', clock: { sx: 2, sy: 1 } },
        { value: 'D4', clock: { sx: 2, sz: 1 } },
      ])
      .put(1, 'k', 'D5', { sx: 3, sy: 1, sz: 1 }, { sx: 2, sy: 1, sz: 1 });
    const result = checkSiblingSoundness(s.ops, {
      n1: { k: [{ value: 'D5', clock: { sx: 3, sy: 1, sz: 1 } }] },
    });
    expect(result.violations).toEqual([]);
    expect(result.counts).toMatchObject({ reads: 1, readsWithSiblings: 1, siblingsMax: 2, writes: 5 });
  });

  it('negative control: siblings where one descends the other are flagged', () => {
    const s = d3d4().get(1, 'k', [
      { value: 'D2', clock: { sx: 2 } },
      { value: 'D3', clock: { sx: 2, sy: 1 } },
    ]);
    const result = checkSiblingSoundness(s.ops);
    expect(result.valid).toBe(false);
    expect(result.violations.map((v) => v.rule)).toEqual(['antichain']);
  });

  it('negative control: a context that claims more, or less, than the siblings returned', () => {
    const more = d3d4().get(1, 'k', [{ value: 'D3', clock: { sx: 2, sy: 1 } }], { sx: 2, sy: 1, sz: 1 });
    expect(checkSiblingSoundness(more.ops).violations[0]?.explanation).toMatch(/claims versions/);
    const less = d3d4().get(1, 'k', [{ value: 'D3', clock: { sx: 2, sy: 1 } }], { sx: 2 });
    expect(checkSiblingSoundness(less.ops).violations[0]?.explanation).toMatch(/does not cover/);
  });

  it('negative control: an invented version, and a known clock with the wrong value', () => {
    const invented = d3d4().get(1, 'k', [{ value: 'never written', clock: { sq: 9 } }]);
    expect(checkSiblingSoundness(invented.ops).violations.map((v) => v.rule)).toEqual(['provenance']);
    const swapped = d3d4().get(1, 'k', [{ value: 'D4', clock: { sx: 2, sy: 1 } }]);
    expect(checkSiblingSoundness(swapped.ops).violations[0]?.explanation).toMatch(/wrote "D3"/);
  });

  it('accepts a version only an unacknowledged write could have made', () => {
    const s = d3d4()
      .putInvoke(4, 'k', 'maybe', { sx: 2 })
      .timedOut(4)
      .get(1, 'k', [{ value: 'maybe', clock: { sx: 2, sw: 1 } }]);
    expect(checkSiblingSoundness(s.ops).valid).toBe(true);
  });

  it('negative control: a write clock not above its context, and two writes with one clock', () => {
    const s = new Script().put(1, 'k', 'a', { n1: 1 }).put(1, 'k', 'b', { n1: 1 }, { n1: 1 });
    expect(checkSiblingSoundness(s.ops).violations.map((v) => v.rule)).toEqual([
      'write-clock',
      'write-clock',
    ]);
  });

  it('negative control: a replica whose final sibling list is not an antichain', () => {
    const result = checkSiblingSoundness(d3d4().ops, {
      n2: {
        k: [
          { value: 'D1', clock: { sx: 1 } },
          { value: 'D2', clock: { sx: 2 } },
        ],
      },
    });
    expect(result.violations[0]?.explanation).toMatch(/n2's final state/);
  });
});
