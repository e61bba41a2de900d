/**
 * P1 at the level of one key's versions: writes that arrive through any coordinator from any (stale)
 * context are never lost — every acknowledged write stays a sibling somewhere or was covered by the
 * context of a later write. The negative control (naive increment of the context) must lose some.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type NodeId, nodeId } from '../protocol/ids.ts';
import { Rng } from '../random/rng.ts';
import { newVersion } from './newVersion.ts';
import { contextOf, syncSiblings, type Version } from './siblings.ts';
import { compare, descends, emptyClock, increment, type VectorClock } from './vectorClock.ts';

const nodes = ['n1', 'n2', 'n3'].map(nodeId);
type Strategy = 'actors' | 'naive';

/** Random puts through random coordinators with contexts read from random replicas; partial replication. */
function run(seed: number, writes: number, strategy: Strategy): { lost: number; acked: number } {
  const rng = new Rng(seed);
  const stores = new Map<NodeId, Version[]>(nodes.map((n) => [n, []]));
  const acked: Version[] = [];
  const contexts: VectorClock[] = [];
  for (let t = 1; t <= writes; t++) {
    const coordinator = nodes[rng.int(nodes.length)] as NodeId;
    const readFrom = stores.get(nodes[rng.int(nodes.length)] as NodeId) as Version[];
    const context = rng.chance(0.2) ? emptyClock : contextOf(readFrom);
    const local = stores.get(coordinator) as Version[];
    const value = Uint8Array.of(t & 0xff, t >> 8);
    const version =
      strategy === 'actors'
        ? newVersion({ context, coordinator, now: t, value, local, entriesMax: 50 })
        : { clock: increment(context, coordinator, t), value, timestamp: t };
    const afterWrite = syncSiblings(local, [version]);
    stores.set(coordinator, afterWrite);
    // Replicas receive the coordinator's whole sibling set for the key, as replica-put ships it.
    for (const other of nodes) {
      if (other !== coordinator && rng.chance(0.5)) {
        stores.set(other, syncSiblings(stores.get(other) as Version[], afterWrite));
      }
    }
    if (rng.chance(0.3)) {
      const [a, b] = [nodes[rng.int(3)] as NodeId, nodes[rng.int(3)] as NodeId];
      stores.set(b, syncSiblings(stores.get(b) as Version[], stores.get(a) as Version[])); // anti-entropy
    }
    acked.push(version);
    contexts.push(context);
  }
  const all = nodes.reduce<Version[]>((set, n) => syncSiblings(set, stores.get(n) as Version[]), []);
  const present = (v: Version) => all.some((s) => s === v);
  // Covered: a later write's client had read it, so replacing it was the client's decision.
  const covered = (v: Version, i: number) => contexts.some((c, j) => j > i && descends(c, v.clock));
  return { lost: acked.filter((v, i) => !present(v) && !covered(v, i)).length, acked: acked.length };
}

describe('newVersion', () => {
  it('loses no acknowledged write, whatever the coordinators and contexts (P1)', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        expect(run(seed, 60, 'actors').lost).toBe(0);
      }),
      { numRuns: 100 },
    );
  });

  it('negative control: incrementing the context naively loses writes in the same histories', () => {
    let lost = 0;
    for (let seed = 1; seed <= 20; seed++) lost += run(seed, 60, 'naive').lost;
    expect(lost).toBeGreaterThan(0);
  });

  it('keeps two writes from the same context through one coordinator as siblings, with one clock entry', () => {
    const n1 = nodeId('n1');
    const base = newVersion({ context: emptyClock, coordinator: n1, now: 1, value: null, local: [] });
    expect(base.clock.map((e) => e.node)).toEqual(['n1']);
    // Two clients read `base` and both write through n1.
    const first = newVersion({
      context: base.clock,
      coordinator: n1,
      now: 2,
      value: Uint8Array.of(1),
      local: [base],
    });
    const local = syncSiblings([base], [first]);
    const second = newVersion({
      context: base.clock,
      coordinator: n1,
      now: 3,
      value: Uint8Array.of(2),
      local,
    });
    expect(second.clock.map((e) => e.node)).toEqual(['n1']);
    expect(second.dot).toEqual({ node: n1, counter: 3, base: 1 });
    const both = syncSiblings(local, [second]);
    expect(both.map((v) => v.value)).toEqual([Uint8Array.of(1), Uint8Array.of(2)]);
    // A client that read both writes replaces them with one version.
    const merged = newVersion({
      context: contextOf(both),
      coordinator: n1,
      now: 4,
      value: Uint8Array.of(3),
      local: both,
    });
    expect(syncSiblings(both, [merged])).toEqual([merged]);
    expect(compare(first.clock, second.clock)).toBe('before');
  });
});
