/**
 * T11, pruning (SPEC 1.5, Dynamo §4.4): dropping the oldest entries can only create false conflicts,
 * never hide a real one. Two checks: on arbitrary clocks (a pruned clock never comes to descend
 * anything its original did not), and on generated write histories where every stored clock is
 * pruned as the coordinator writes it, compared with the same history's unpruned clocks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type NodeId, nodeId } from '../protocol/ids.ts';
import { Rng } from '../random/rng.ts';
import {
  compare,
  descends,
  emptyClock,
  increment,
  merge,
  prune,
  type VectorClock,
  vectorClock,
} from './vectorClock.ts';

const nodes = Array.from({ length: 8 }, (_, i) => nodeId(`n${i + 1}`));
const arbClock: fc.Arbitrary<VectorClock> = fc
  .tuple(...nodes.map(() => fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 1_000 }))))
  .map((cells) =>
    vectorClock(
      cells
        .map(([counter, timestamp], i) => ({ node: nodes[i] as NodeId, counter, timestamp }))
        .filter((e) => e.counter > 0),
    ),
  );

describe('prune', () => {
  it('keeps at most entriesMax entries, dropping the oldest and never the kept node', () => {
    fc.assert(
      fc.property(arbClock, fc.integer({ min: 1, max: 8 }), fc.constantFrom(...nodes), (a, max, keep) => {
        const pruned = prune(a, { entriesMax: max, keep });
        expect(pruned.length).toBe(Math.min(a.length, max));
        if (a.some((e) => e.node === keep)) expect(pruned.some((e) => e.node === keep)).toBe(true);
        const dropped = a.filter((e) => !pruned.includes(e));
        const keptOthers = pruned.filter((e) => e.node !== keep);
        for (const d of dropped)
          for (const k of keptOthers) expect(d.timestamp).toBeLessThanOrEqual(k.timestamp);
        expect(descends(a, pruned)).toBe(true); // a pruned clock claims less, never more
      }),
    );
  });

  it('never turns a concurrent pair into descends, and never makes a clock descend a new one', () => {
    fc.assert(
      fc.property(arbClock, arbClock, fc.integer({ min: 1, max: 4 }), (a, b, max) => {
        const pa = prune(a, { entriesMax: max });
        if (!descends(a, b)) expect(descends(pa, b)).toBe(false);
        if (compare(a, b) === 'concurrent') expect(['concurrent', 'before']).toContain(compare(pa, b));
      }),
      { numRuns: 2_000 },
    );
  });

  it('leaves a clock within the limit untouched (default limit 10)', () => {
    const clock = nodes.reduce<VectorClock>((c, n, i) => increment(c, n, i), emptyClock);
    expect(prune(clock)).toBe(clock);
  });
});

interface Write {
  /** The clock the system stores: pruned by its coordinator as it is written. */
  stored: VectorClock;
  /** The clock the same write would have without pruning: its true causal history. */
  truth: VectorClock;
}

/**
 * A random history of writes: each is coordinated by a random node from the context of a random
 * subset of earlier writes (what a client read), merged with the coordinator's own last write so
 * that each node's counter names one write (the vector-clock contract). Stored clocks are pruned to
 * `entriesMax` at every write, keeping the coordinator's entry.
 */
function history(seed: number, writes: number, entriesMax: number): Write[] {
  const rng = new Rng(seed);
  const out: Write[] = [];
  const lastOf = new Map<NodeId, Write>();
  for (let t = 1; t <= writes; t++) {
    const coordinator = nodes[rng.int(nodes.length)] as NodeId;
    let stored = lastOf.get(coordinator)?.stored ?? emptyClock;
    let truth = lastOf.get(coordinator)?.truth ?? emptyClock;
    for (const seen of out) {
      if (!rng.chance(0.15)) continue;
      stored = merge(stored, seen.stored);
      truth = merge(truth, seen.truth);
    }
    const write = {
      stored: prune(increment(stored, coordinator, t), { entriesMax, keep: coordinator }),
      truth: increment(truth, coordinator, t),
    };
    out.push(write);
    lastOf.set(coordinator, write);
  }
  return out;
}

describe('pruning in write histories', () => {
  it('only ever creates false conflicts: stored clocks never order writes that were concurrent', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 4 }), (seed, entriesMax) => {
        const writes = history(seed, 40, entriesMax);
        for (const x of writes) {
          for (const y of writes) {
            if (descends(x.stored, y.stored)) expect(descends(x.truth, y.truth)).toBe(true);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('shows the cost: false conflicts per pruning threshold (printed)', () => {
    const rows: Record<string, number>[] = [];
    for (const entriesMax of [1, 2, 4, 10]) {
      let ordered = 0;
      let falseConflicts = 0;
      let hidden = 0;
      for (let seed = 1; seed <= 5; seed++) {
        const writes = history(seed, 60, entriesMax);
        for (const x of writes) {
          for (const y of writes) {
            if (x === y || !descends(x.truth, y.truth)) {
              if (x !== y && descends(x.stored, y.stored)) hidden++;
              continue;
            }
            ordered++;
            if (!descends(x.stored, y.stored)) falseConflicts++;
          }
        }
      }
      rows.push({
        'entries max': entriesMax,
        'ordered pairs': ordered,
        'false conflicts': falseConflicts,
        hidden,
      });
      expect(hidden).toBe(0);
      if (entriesMax >= nodes.length) expect(falseConflicts).toBe(0);
    }
    console.log('Pruning effect over 5 histories of 60 writes on 8 nodes:');
    console.table(rows);
    expect((rows[0] as Record<string, number>)['false conflicts']).toBeGreaterThan(0);
  });
});
