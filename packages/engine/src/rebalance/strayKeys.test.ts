/**
 * Stray keys (strayKeys.ts): the keys a node holds that nothing else claims are grouped by token
 * arc, each group bound for its arc's first replica other than the node itself.
 */
import { describe, expect, it } from 'vitest';
import { rangeOfKey, sameRange } from '../antiEntropy/ranges.ts';
import type { NodeId } from '../protocol/ids.ts';
import { preferenceList } from '../ring/preferenceList.ts';
import { buildRing } from '../ring/ring.ts';
import { strayHandovers } from './strayKeys.ts';

const ring = buildRing(
  (['n1', 'n2', 'n3', 'n4', 'n5'] as NodeId[]).map((id) => ({ id })),
  { virtualNodes: 8 },
);
const self = 'n1' as NodeId;
const keys = Array.from({ length: 200 }, (_, i) => `k${i}`);
const stored = keys.map((key): [string, unknown] => [key, null]);
const replicaOf = (key: string) => preferenceList(ring, key, 3).nodes.includes(self);

describe('strayHandovers', () => {
  it('hands each key no one claims to the first other replica of its arc, one group per arc', () => {
    const handovers = strayHandovers(stored, ring, 3, self, replicaOf);
    const strays = keys.filter((key) => !replicaOf(key));
    expect(handovers.flatMap((h) => h.keys).sort()).toEqual(strays.sort());
    for (const { to, range, keys: group } of handovers) {
      expect(to).not.toBe(self);
      for (const key of group) {
        expect(sameRange(rangeOfKey(ring, key), range)).toBe(true);
        expect(preferenceList(ring, key, 3).nodes[0]).toBe(to); // n1 is not on the list, so the primary
      }
    }
    const arcs = handovers.map((h) => `${h.range.start}-${h.range.end}`);
    expect(new Set(arcs).size).toBe(arcs.length);
  });

  it('finds nothing when every key is claimed, and skips a key hinted or handed over already', () => {
    expect(strayHandovers(stored, ring, 3, self, () => true)).toEqual([]);
    const claimed = new Set(['k3', 'k4']);
    const handovers = strayHandovers(stored, ring, 3, self, (key) => replicaOf(key) || claimed.has(key));
    const found = handovers.flatMap((h) => h.keys);
    expect(found).not.toContain('k3');
    expect(found).not.toContain('k4');
  });

  it('passes over a key whose replicas are this node alone (N = 1 on its arc, nowhere to hand it)', () => {
    const lone = buildRing([{ id: self }], { virtualNodes: 2 });
    expect(strayHandovers(stored, lone, 3, self, () => false)).toEqual([]);
  });
});
