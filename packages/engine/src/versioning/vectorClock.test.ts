/**
 * T11 (TESTING.md): the vector-clock laws, with fast-check. Clocks are drawn over a few node ids so
 * that equal, ordered and concurrent pairs all occur often.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKvError } from '../errors.ts';
import { type NodeId, nodeId } from '../protocol/ids.ts';
import {
  type ClockEntry,
  compare,
  concurrent,
  counterOf,
  decodeClock,
  descends,
  dominates,
  emptyClock,
  encodeClock,
  formatClock,
  increment,
  merge,
  type VectorClock,
  vectorClock,
  withEntry,
} from './vectorClock.ts';

const nodes = ['a', 'b', 'c', 'd', 'e'].map(nodeId);
const arbClock: fc.Arbitrary<VectorClock> = fc
  .tuple(...nodes.map(() => fc.tuple(fc.nat({ max: 3 }), fc.integer({ min: -5_000, max: 100_000 }))))
  .map((cells) =>
    vectorClock(
      cells
        .map(([counter, timestamp], i) => ({ node: nodes[i] as NodeId, counter, timestamp }))
        .filter((e) => e.counter > 0),
    ),
  );
const counters = (c: VectorClock) => c.map((e) => [e.node, e.counter]);

describe('compare is a partial order', () => {
  it('is reflexive: every clock equals itself', () => {
    fc.assert(
      fc.property(arbClock, (a) => {
        expect(compare(a, a)).toBe('equal');
      }),
    );
  });

  it('is antisymmetric: after one way is before the other; equal means the same counters', () => {
    fc.assert(
      fc.property(arbClock, arbClock, (a, b) => {
        const ab = compare(a, b);
        const ba = compare(b, a);
        const mirror = {
          after: 'before',
          before: 'after',
          equal: 'equal',
          concurrent: 'concurrent',
        } as const;
        expect(ba).toBe(mirror[ab]);
        if (ab === 'equal') expect(counters(a)).toEqual(counters(b));
      }),
    );
  });

  it('is transitive: c ≤ b ≤ a implies c ≤ a', () => {
    fc.assert(
      fc.property(arbClock, arbClock, arbClock, (c, x, y) => {
        const b = merge(c, x);
        const a = merge(b, y);
        expect(descends(b, c) && descends(a, b)).toBe(true);
        expect(descends(a, c)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(arbClock, arbClock, arbClock, (a, b, c) => {
        if (dominates(a, b) && dominates(b, c)) expect(dominates(a, c)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('agrees with the counter-wise definition (missing entries count 0)', () => {
    fc.assert(
      fc.property(arbClock, arbClock, (a, b) => {
        const ge = nodes.every((n) => counterOf(a, n) >= counterOf(b, n));
        const le = nodes.every((n) => counterOf(a, n) <= counterOf(b, n));
        const expected = ge && le ? 'equal' : ge ? 'after' : le ? 'before' : 'concurrent';
        expect(compare(a, b)).toBe(expected);
        expect(concurrent(a, b)).toBe(expected === 'concurrent');
      }),
    );
  });
});

describe('merge is the least upper bound', () => {
  it('is commutative, associative and idempotent (timestamps included)', () => {
    fc.assert(
      fc.property(arbClock, arbClock, arbClock, (a, b, c) => {
        expect(merge(a, b)).toEqual(merge(b, a));
        expect(merge(merge(a, b), c)).toEqual(merge(a, merge(b, c)));
        expect(merge(a, a)).toEqual(a);
      }),
    );
  });

  it('descends from both, and anything that descends from both descends from it', () => {
    fc.assert(
      fc.property(arbClock, arbClock, arbClock, (a, b, x) => {
        const m = merge(a, b);
        expect(descends(m, a) && descends(m, b)).toBe(true);
        const upper = merge(merge(a, b), x); // an arbitrary upper bound of a and b
        expect(descends(upper, m)).toBe(true);
        // and no smaller clock is an upper bound: removing one from any entry breaks it
        for (const e of m) {
          const smaller = vectorClock(
            m
              .map((f) => (f.node === e.node ? { ...f, counter: f.counter - 1 } : f))
              .filter((f) => f.counter > 0),
          );
          expect(descends(smaller, a) && descends(smaller, b)).toBe(false);
        }
      }),
    );
  });

  it('keeps the larger counter with its own timestamp', () => {
    const a = vectorClock([{ node: nodeId('x'), counter: 2, timestamp: 50 }]);
    const b = vectorClock([{ node: nodeId('x'), counter: 5, timestamp: 10 }]);
    expect(merge(a, b)).toEqual([{ node: 'x', counter: 5, timestamp: 10 }]);
  });
});

describe('increment', () => {
  it('gives a clock strictly after the one it starts from, adding (node, 1) if absent', () => {
    fc.assert(
      fc.property(arbClock, fc.constantFrom(...nodes, nodeId('new')), fc.nat(), (a, n, now) => {
        const next = increment(a, n, now);
        expect(compare(next, a)).toBe('after');
        expect(counterOf(next, n)).toBe(counterOf(a, n) + 1);
        expect(next.find((e) => e.node === n)?.timestamp).toBe(now);
      }),
    );
  });
});

describe('withEntry', () => {
  it('sets one entry and keeps the clock canonical, as sorting a fresh clock would', () => {
    fc.assert(
      fc.property(
        arbClock,
        fc.constantFrom(...nodes, nodeId('0'), nodeId('z')),
        fc.integer({ min: 1 }),
        (a, n, k) => {
          const expected = vectorClock([
            ...a.filter((e) => e.node !== n),
            { node: n, counter: k, timestamp: 7 },
          ]);
          expect(withEntry(a, n, k, 7)).toEqual(expected);
          const shuffled = [...a].reverse(); // not canonical: taken the general way
          expect(withEntry(shuffled, n, k, 7)).toEqual(expected);
        },
      ),
    );
  });
});

describe('D3/D4 → D5 (Dynamo §4.4, Figure 3)', () => {
  it('reproduces the paper: concurrent D3 and D4 are both kept, and D5 via Sx supersedes both', () => {
    const [sx, sy, sz] = [nodeId('Sx'), nodeId('Sy'), nodeId('Sz')];
    const d1 = increment(emptyClock, sx, 1);
    const d2 = increment(d1, sx, 2);
    expect(formatClock(d2)).toBe('[Sx:2]');
    expect(compare(d2, d1)).toBe('after'); // D2 overwrites D1
    const d3 = increment(d2, sy, 3);
    const d4 = increment(d2, sz, 4);
    expect(formatClock(d3)).toBe('[Sx:2, Sy:1]');
    expect(formatClock(d4)).toBe('[Sx:2, Sz:1]');
    expect(compare(d3, d4)).toBe('concurrent'); // both must be kept
    const context = merge(d3, d4);
    expect(formatClock(context)).toBe('[Sx:2, Sy:1, Sz:1]');
    const d5 = increment(context, sx, 5);
    expect(formatClock(d5)).toBe('[Sx:3, Sy:1, Sz:1]');
    expect(dominates(d5, d3) && dominates(d5, d4)).toBe(true);
  });
});

describe('encoding', () => {
  it('round-trips exactly (counters, node ids, timestamps)', () => {
    const arbNode = fc.string({ minLength: 1, maxLength: 8, unit: 'grapheme' }).map(nodeId);
    const arbEntry = fc.record({
      node: arbNode,
      counter: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      timestamp: fc.double({ noNaN: true, noDefaultInfinity: true }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(arbEntry, { selector: (e) => e.node, maxLength: 12 }), (entries) => {
        const clock = vectorClock(entries as ClockEntry[]);
        expect(decodeClock(encodeClock(clock))).toEqual(clock);
      }),
    );
  });

  it('refuses garbage with a KvError of the requested code, and never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const decoded = decodeClock(bytes, 'KV_INVALID_MESSAGE');
        if (isKvError(decoded)) expect(decoded.code).toBe('KV_INVALID_MESSAGE');
        else expect(encodeClock(decoded)).toEqual(bytes); // anything accepted is canonical
      }),
      { numRuns: 3_000 },
    );
  });

  it('refuses every truncation and non-canonical order', () => {
    const clock = vectorClock([
      { node: nodeId('n1'), counter: 300, timestamp: 1.5 },
      { node: nodeId('n2'), counter: 1, timestamp: -2 },
    ]);
    const bytes = encodeClock(clock);
    for (let n = 0; n < bytes.length; n++) expect(isKvError(decodeClock(bytes.subarray(0, n)))).toBe(true);
    const swapped = encodeClock([clock[1], clock[0]] as unknown as VectorClock);
    const decoded = decodeClock(swapped);
    expect(isKvError(decoded) && decoded.code).toBe('KV_CORRUPTION');
  });
});
