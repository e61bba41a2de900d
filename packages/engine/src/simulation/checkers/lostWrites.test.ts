import { describe, expect, it } from 'vitest';
import { checkNoLostWrites } from './lostWrites.ts';
import { Script } from './testing/histories.ts';

function run(): Script {
  return new Script()
    .put(1, 'k', 'a', { n1: 1 })
    .put(1, 'k', 'b', { n1: 2 }, { n1: 1 })
    .put(2, 'j', 'x', { n2: 1 })
    .deleteInvoke(2, 'j', { n2: 1 })
    .written(2, { n2: 2 });
}

describe('checkNoLostWrites (P1)', () => {
  it('passes when each acked write is present or causally superseded, and a purged tombstone is fine', () => {
    const result = checkNoLostWrites(run().ops, {
      n1: { k: [{ value: 'b', clock: { n1: 2 } }] },
      n2: { k: [{ value: 'b', clock: { n1: 2 } }], j: [] },
    });
    expect(result.valid).toBe(true);
    expect(result.counts).toEqual({ acknowledged: 4, present: 1, superseded: 2, purgedDeletes: 1, lost: 0 });
  });

  it('negative control: an acked write no replica holds, and nothing descends, is lost', () => {
    const s = run().put(3, 'k', 'c', { n3: 1 });
    const result = checkNoLostWrites(s.ops, { n1: { k: [{ value: 'b', clock: { n1: 2 } }] } });
    expect(result.valid).toBe(false);
    expect(result.violations.map((v) => v.rule)).toEqual(['lost-write']);
    expect(result.violations[0]?.explanation).toMatch(/put k="c" .* no replica holds it .*n1 \{n1:2\}/);
  });

  it('negative control: a deleted value back on a replica with its tombstone gone is a lost delete', () => {
    const result = checkNoLostWrites(run().ops, {
      n1: { k: [{ value: 'b', clock: { n1: 2 } }], j: [{ value: 'x', clock: { n2: 1 } }] },
    });
    expect(result.violations.map((v) => v.rule)).toEqual(['lost-write']);
    expect(result.violations[0]?.explanation).toMatch(/tombstone is gone/);
  });

  it('negative control: the acked clock holding a different value is flagged', () => {
    const result = checkNoLostWrites(run().ops, { n1: { k: [{ value: 'zzz', clock: { n1: 2 } }], j: [] } });
    expect(result.violations.map((v) => v.rule)).toEqual(['value-mismatch']);
  });

  it('is not promised under last-write-wins', () => {
    expect(checkNoLostWrites(run().ops, {}, { conflictMode: 'lww' }).promised).toBe(false);
  });

  it('is not promised when the run wipes as many disks as W (every copy of a write can go)', () => {
    const promised = (w: number, wipes: number) =>
      checkNoLostWrites(run().ops, {}, { conflictMode: 'siblings', w, wipes }).promised;
    expect([promised(1, 1), promised(2, 1), promised(2, 2), promised(1, 0)]).toEqual([
      false,
      true,
      false,
      true,
    ]);
  });
});
