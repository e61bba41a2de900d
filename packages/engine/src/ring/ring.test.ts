/**
 * The ring half of T12 (TESTING.md): preference lists hold N distinct physical nodes; adding a node
 * moves about 1/(n+1) of the keys, and only to it; load imbalance per virtual-node count is printed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type NodeId, nodeId, nodeIds } from '../protocol/ids.ts';
import { preferenceListPerDataCentre } from './dataCentres.ts';
import { ownership, ownershipImbalance } from './ownership.ts';
import { extendedPreferenceList, preferenceList, preferenceListAt } from './preferenceList.ts';
import { movedFraction, rangeMoves } from './rangeMoves.ts';
import {
  arcContains,
  buildRing,
  checkRingMembers,
  keyPosition,
  type Ring,
  ringSize,
  tokenPosition,
} from './ring.ts';

const members = (count: number, prefix = 'n') => nodeIds(count, prefix).map((id) => ({ id }));
const sampleKeys = (count: number) => Array.from({ length: count }, (_, i) => `user:${i}`);

/** The definition, spelled out with a linear scan: first N distinct owners clockwise from the key. */
function referencePreferenceList(ring: Ring, key: string, n: number): NodeId[] {
  const p = keyPosition(key);
  let start = ring.tokens.findIndex((t) => t.position >= p);
  if (start === -1) start = 0;
  const chosen: NodeId[] = [];
  for (let s = 0; s < ring.tokens.length && chosen.length < n; s++) {
    const owner = (ring.tokens[(start + s) % ring.tokens.length] as { node: NodeId }).node;
    if (!chosen.includes(owner)) chosen.push(owner);
  }
  return chosen;
}

const membership = fc
  .uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/), { minLength: 1, maxLength: 12 })
  .chain((ids) =>
    fc.tuple(
      fc.constant(ids),
      fc.array(fc.constantFrom(0.5, 1, 1, 1.5, 2), { minLength: ids.length, maxLength: ids.length }),
    ),
  )
  .map(([ids, weights]) => ids.map((id, i) => ({ id: nodeId(id), weight: weights[i] })));

describe('ring construction', () => {
  it('places round(virtualNodes × weight) tokens per node, deterministically and sorted', () => {
    const ring = buildRing([
      { id: nodeId('n1') },
      { id: nodeId('n2'), weight: 2 },
      { id: nodeId('n3'), weight: 0.5 },
    ]);
    expect(ring.nodes.map((n) => n.tokenCount)).toEqual([8, 16, 4]);
    expect(ring.tokens).toHaveLength(28);
    for (let i = 1; i < ring.positions.length; i++) {
      expect(ring.positions[i]).toBeGreaterThanOrEqual(ring.positions[i - 1] as number);
    }
    expect(ring.tokens.find((t) => t.node === 'n1' && t.index === 3)?.position).toBe(
      tokenPosition(nodeId('n1'), 3),
    );
    expect(buildRing(members(3)).tokens).toEqual(buildRing([...members(3)].reverse()).tokens);
  });

  it('refuses a bad membership with a sentence naming the problem', () => {
    expect(checkRingMembers([{ id: nodeId('n1') }, { id: nodeId('n1') }])?.message).toMatch(
      /n1 is listed twice/,
    );
    expect(checkRingMembers([{ id: nodeId('n1'), weight: 0 }])?.code).toBe('KV_INVALID_ARGUMENT');
    expect(checkRingMembers(members(2), { virtualNodes: 0 })?.message).toMatch(/virtual nodes/);
    expect(checkRingMembers([{ id: nodeId('n1'), weight: 1000 }])?.message).toMatch(/the limit is 1024/);
    expect(checkRingMembers(members(3))).toBeNull();
  });
});

describe('preference lists', () => {
  it('hold min(N, nodes) distinct physical nodes, exactly those of the clockwise walk', () => {
    fc.assert(
      fc.property(membership, fc.integer({ min: 1, max: 6 }), fc.string(), (ms, n, key) => {
        const ring = buildRing(ms);
        const list = extendedPreferenceList(ring, key, n);
        expect(new Set(list.nodes).size).toBe(list.nodes.length);
        expect(list.nodes).toHaveLength(Math.min(n, ms.length));
        expect(list.underReplicated).toBe(n > ms.length);
        expect([...list.nodes]).toEqual(referencePreferenceList(ring, key, n));
        expect(new Set([...list.nodes, ...list.fallbacks]).size).toBe(ms.length);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the primary as the owner of the first token at or after the key, wrapping past 2^32 − 1', () => {
    const ring = buildRing(members(5));
    const first = ring.tokens[0] as { position: number; node: NodeId };
    const last = ring.tokens[ring.tokens.length - 1] as { position: number; node: NodeId };
    expect(preferenceListAt(ring, first.position, 1).nodes).toEqual([first.node]);
    expect(preferenceListAt(ring, last.position, 1).nodes).toEqual([last.node]);
    expect(preferenceListAt(ring, last.position + 1, 1).nodes).toEqual([first.node]);
    expect(preferenceListAt(ring, ringSize - 1, 1).nodes).toEqual([first.node]);
  });

  it('says so when N exceeds the physical nodes, and gives nothing on an empty ring', () => {
    const small = preferenceList(buildRing(members(2)), 'k', 3);
    expect(small.nodes).toHaveLength(2);
    expect(small.underReplicated).toBe(true);
    expect(preferenceList(buildRing([]), 'k', 3).nodes).toEqual([]);
  });

  it('places N per data centre along the same walk', () => {
    const ring = buildRing([
      ...nodeIds(4, 'a').map((id) => ({ id, dataCentre: 'east' })),
      ...nodeIds(3, 'b').map((id) => ({ id, dataCentre: 'west' })),
    ]);
    for (const key of sampleKeys(200)) {
      const list = preferenceListPerDataCentre(ring, key, { east: 2, west: 2 });
      expect(list.byDataCentre.east?.every((id) => id.startsWith('a'))).toBe(true);
      expect(list.byDataCentre.west?.every((id) => id.startsWith('b'))).toBe(true);
      expect(list.nodes).toHaveLength(4);
      expect(list.fallbacks).toHaveLength(3);
      expect(list.underReplicated).toBe(false);
    }
    expect(preferenceListPerDataCentre(ring, 'k', { west: 4 }).underReplicated).toBe(true);
  });
});

describe('membership changes (T12)', () => {
  it('adding a node moves about 1/(n+1) of the keys, and only to the new node', () => {
    const keys = sampleKeys(20_000);
    const rows: Record<string, string | number>[] = [];
    for (const n of [4, 9, 15]) {
      const before = buildRing(members(n));
      const after = buildRing(members(n + 1));
      const joined = nodeId(`n${n + 1}`);
      let primaryMoved = 0;
      let replicaSetsChanged = 0;
      for (const key of keys) {
        const was = preferenceList(before, key, 3).nodes;
        const now = preferenceList(after, key, 3).nodes;
        if (was[0] !== now[0]) {
          primaryMoved++;
          expect(now[0]).toBe(joined); // only to the new node
        }
        const gained = now.filter((x) => !was.includes(x));
        if (gained.length > 0) {
          replicaSetsChanged++;
          expect(gained).toEqual([joined]);
          expect(was.filter((x) => !now.includes(x))).toHaveLength(1); // one old replica hands over
        }
      }
      const fraction = primaryMoved / keys.length;
      rows.push({
        nodes: `${n} → ${n + 1}`,
        'expected 1/(n+1)': +(1 / (n + 1)).toFixed(3),
        'primary moved': +fraction.toFixed(3),
        'N=3 replica set changed': +(replicaSetsChanged / keys.length).toFixed(3),
      });
      expect(fraction).toBeGreaterThan(0.4 / (n + 1));
      expect(fraction).toBeLessThan(2 / (n + 1));
    }
    console.log('T12 keys moved when a node joins (8 virtual nodes, 20,000 keys):');
    console.table(rows);
  });

  it('rangeMoves lists exactly the ranges whose keys change replicas, gaining only the new node', () => {
    const before = buildRing(members(6));
    const after = buildRing(members(7));
    const moves = rangeMoves(before, after, 3);
    for (const move of moves) {
      expect(move.gained.every((id) => id === 'n7')).toBe(true);
      expect(move.lost.length).toBe(move.gained.length);
    }
    for (const key of sampleKeys(5_000)) {
      const p = keyPosition(key);
      const changed =
        preferenceList(before, key, 3).nodes.join() !== preferenceList(after, key, 3).nodes.join();
      const inMoved = moves.some((m) => arcContains(m.start, m.end, p));
      expect(inMoved).toBe(changed);
    }
    const primaryMoves = rangeMoves(before, after, 1);
    expect(primaryMoves.every((m) => m.after[0] === 'n7')).toBe(true);
    const primaryShare = ownership(after, 1).find((o) => o.node === 'n7')?.primary;
    expect(movedFraction(primaryMoves)).toBeCloseTo(primaryShare as number, 9);
    expect(rangeMoves(before, before, 3)).toEqual([]);
  });

  it('rangeMoves agrees with key-by-key lookups for any two memberships', () => {
    fc.assert(
      fc.property(membership, membership, fc.integer({ min: 1, max: 4 }), (a, b, n) => {
        const [before, after] = [buildRing(a), buildRing(b)];
        const moves = rangeMoves(before, after, n);
        for (const key of sampleKeys(300)) {
          const p = keyPosition(key);
          const changed =
            preferenceList(before, key, n).nodes.join() !== preferenceList(after, key, n).nodes.join();
          expect(moves.filter((m) => arcContains(m.start, m.end, p)).length).toBe(changed ? 1 : 0);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('removing a node hands its ranges to the others and moves nothing else', () => {
    const before = buildRing(members(6));
    const after = buildRing(members(5));
    for (const move of rangeMoves(before, after, 3)) {
      expect(move.lost).toEqual(['n6']);
      expect(move.gained).toHaveLength(1);
    }
  });
});

describe('ownership and load imbalance (T12)', () => {
  it('shares add up, and weights buy proportionally more of the ring', () => {
    const ring = buildRing([{ id: nodeId('big'), weight: 4 }, ...members(4)], { virtualNodes: 64 });
    const shares = ownership(ring, 3);
    expect(shares.reduce((s, o) => s + o.primary, 0)).toBeCloseTo(1, 9);
    expect(shares.reduce((s, o) => s + o.replica, 0)).toBeCloseTo(3, 9);
    const big = shares.find((o) => o.node === 'big')?.primary as number;
    const others = shares.filter((o) => o.node !== 'big').map((o) => o.primary);
    expect(big).toBeGreaterThan(2 * Math.max(...others));
  });

  it('imbalance falls as virtual nodes rise (printed per count)', () => {
    const rows: Record<string, number>[] = [];
    const imbalanceAt: Record<number, number> = {};
    for (const virtualNodes of [1, 8, 32, 128]) {
      // Averaged over a few memberships so one lucky placement does not decide the figure.
      const trials = ['n', 'node-', 'srv', 'db'].map((prefix) =>
        ownership(buildRing(members(10, prefix), { virtualNodes }), 3),
      );
      const mean = (which: 'primary' | 'replica') =>
        trials.reduce((s, t) => s + ownershipImbalance(t, which), 0) / trials.length;
      imbalanceAt[virtualNodes] = mean('primary');
      rows.push({
        'virtual nodes': virtualNodes,
        'primary max/mean': +mean('primary').toFixed(3),
        'N=3 replica max/mean': +mean('replica').toFixed(3),
      });
    }
    console.log('T12 load imbalance, 10 nodes (mean of 4 memberships):');
    console.table(rows);
    expect(imbalanceAt[128]).toBeLessThan(imbalanceAt[1] as number);
    expect(imbalanceAt[128]).toBeLessThan(imbalanceAt[8] as number);
    expect(imbalanceAt[128]).toBeLessThan(1.5);
  });
});
