/**
 * The checkers order plain history clocks directly (clocks.ts); the store's `compare` on converted
 * clocks is the reference. These properties pin the two together on generated clocks — few node
 * ids so that clocks overlap, and counters that are zero, negative, fractional or unsafe, which a
 * conversion drops — and pin `showClock` to its plain definition (sorted entries, all of them).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compare, descends, mergeAll } from '../../versioning/vectorClock.ts';
import type { HistoryClock } from '../history.ts';
import {
  covers,
  historyClock,
  mergeClocks,
  mergeHistoryClocks,
  mergeInto,
  order,
  showClock,
  toVectorClock,
} from './clocks.ts';

const counter = fc.oneof(
  fc.integer({ min: 1, max: 4 }),
  fc.constantFrom(0, -1, 1.5, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, Number.NaN),
);
const clock: fc.Arbitrary<HistoryClock> = fc.dictionary(
  fc.constantFrom('n1', 'n2', 'n3', 'n10', 'w1', 'e1', '__proto__', 'toString'),
  counter,
  { maxKeys: 5 },
);
const maybeClock = fc.option(clock, { nil: undefined });

describe('history clocks order as the store orders vector clocks', () => {
  it('order and covers agree with compare and descends on the converted clocks', () => {
    fc.assert(
      fc.property(maybeClock, maybeClock, (a, b) => {
        const [x, y] = [toVectorClock(a), toVectorClock(b)];
        expect(order(a, b)).toBe(compare(x, y));
        expect(covers(a, b)).toBe(descends(x, y));
      }),
      { numRuns: 3_000 },
    );
  });

  it('mergeClocks is mergeHistoryClocks, and merging in place keeps every node', () => {
    fc.assert(
      fc.property(fc.array(clock, { maxLength: 4 }), (clocks) => {
        expect(showClock(mergeClocks(clocks))).toBe(showClock(mergeHistoryClocks(clocks)));
        const lub = mergeAll(clocks.map(toVectorClock));
        const merged = clocks.reduce((out, c) => mergeInto(out, c), Object.create(null) as HistoryClock);
        expect(compare(toVectorClock(merged), lub)).toBe('equal');
        for (const c of clocks) expect(covers(merged, c)).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });

  it('showClock lists every entry sorted by node id, zero counters included', () => {
    fc.assert(
      fc.property(clock, (c) => {
        const entries = Object.entries(c).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        expect(showClock(c)).toBe(`{${entries.map(([node, n]) => `${node}:${n}`).join(', ')}}`);
      }),
    );
    expect(showClock({ n3: 1, n1: 0, n10: 2 })).toBe('{n1:0, n10:2, n3:1}');
    expect(showClock(null)).toBe('{}');
  });

  it('round-trips a store clock through its plain form', () => {
    const d5 = toVectorClock({ Sx: 3, Sy: 1, Sz: 1 });
    expect(compare(toVectorClock(historyClock(d5)), d5)).toBe('equal');
    expect(order({ Sx: 2, Sy: 1 }, { Sx: 2, Sz: 1 })).toBe('concurrent');
    expect(order({ Sx: 3, Sy: 1, Sz: 1 }, { Sx: 2, Sy: 1 })).toBe('after');
    expect(order({ n1: 1, n2: 0 }, { n1: 1 })).toBe('equal');
  });
});
