/**
 * Placement per data centre (SPEC 1.3) and the one `replicasFor` every module uses: every key gets
 * exactly N_dc distinct physical nodes in each data centre, stand-ins stay in the listed DCs, a DC
 * with no replicas holds none of the keyspace, and a plain N is the single-DC preference list.
 */
import { describe, expect, it } from 'vitest';
import { rangeContains, replicatedRanges } from '../antiEntropy/ranges.ts';
import type { NodeId } from '../protocol/ids.ts';
import { preferenceListPerDataCentre } from './dataCentres.ts';
import { replicasFor, replicationFactorOf, replicationShortfall } from './placement.ts';
import { extendedPreferenceList } from './preferenceList.ts';
import { buildRing, keyPosition, type RingMember } from './ring.ts';

const keys = Array.from({ length: 2_000 }, (_, i) => `key-${i}`);
const member = (id: string, dataCentre: string, weight = 1): RingMember => ({
  id: id as NodeId,
  dataCentre,
  weight,
});
/** Three data centres of different sizes, one heavier node: placement must not care. */
const members = [
  member('w1', 'west'),
  member('w2', 'west', 2),
  member('w3', 'west'),
  member('e1', 'east'),
  member('e2', 'east'),
  member('s1', 'south'),
  member('s2', 'south'),
  member('s3', 'south'),
  member('s4', 'south'),
];
const ring = buildRing(members, { virtualNodes: 8 });
const dcOf = new Map(members.map((m) => [m.id, m.dataCentre]));
const inDc = (nodes: readonly NodeId[], dc: string) => nodes.filter((id) => dcOf.get(id) === dc);

describe('placement per data centre', () => {
  it('gives every key exactly N_dc distinct physical nodes in each data centre', () => {
    const placement = { west: 2, east: 2, south: 3 };
    for (const key of keys) {
      const list = replicasFor(ring, key, placement);
      expect(new Set(list.nodes).size).toBe(7);
      expect(inDc(list.nodes, 'west')).toHaveLength(2);
      expect(inDc(list.nodes, 'east')).toHaveLength(2);
      expect(inDc(list.nodes, 'south')).toHaveLength(3);
      expect(list.byDataCentre?.south).toEqual(inDc(list.nodes, 'south'));
      expect(list.underReplicated).toBe(false);
    }
  });

  it('offers as stand-ins only the other nodes of the listed data centres, in walk order', () => {
    const placement = { west: 2, east: 1 };
    for (const key of keys.slice(0, 500)) {
      const list = replicasFor(ring, key, placement);
      expect(inDc(list.nodes, 'south')).toEqual([]);
      expect(inDc(list.fallbacks, 'south')).toEqual([]);
      expect([...list.nodes, ...list.fallbacks].sort()).toEqual(['e1', 'e2', 'w1', 'w2', 'w3']);
      // The stand-ins are the walk's order with the replicas taken out.
      const walk = extendedPreferenceList(ring, key, members.length);
      const order = [...walk.nodes, ...walk.fallbacks].filter((id) => list.fallbacks.includes(id));
      expect(list.fallbacks).toEqual(order);
      expect(list.dataCentreOf?.get(list.fallbacks[0] as NodeId)).toBeDefined();
    }
  });

  it('follows the same clockwise walk as the single-DC preference list', () => {
    for (const key of keys.slice(0, 500)) {
      const walk = extendedPreferenceList(ring, key, members.length).nodes;
      const list = replicasFor(ring, key, { west: 1, east: 1, south: 1 }).nodes;
      // The first node of each DC met on the walk, in the order the walk meets them.
      const firsts = ['west', 'east', 'south'].map((dc) => walk.find((id) => dcOf.get(id) === dc) as NodeId);
      expect(list).toEqual(walk.filter((id) => firsts.includes(id)));
    }
  });

  it('says a data centre with fewer nodes than its N_dc is under-replicated', () => {
    const list = replicasFor(ring, 'k', { east: 3, west: 1 });
    expect(list.underReplicated).toBe(true);
    expect(list.nodes).toHaveLength(3);
  });

  it('names the shortfall of a ring that cannot keep every copy, the first data centre short of nodes', () => {
    expect(replicationShortfall(ring, { west: 3, east: 2, south: 4 })).toBeNull();
    expect(replicationShortfall(ring, { west: 3, east: 3, south: 5 })).toBe(
      '2 nodes in east, fewer than its 3 replicas',
    );
    expect(replicationShortfall(ring, 9)).toBeNull();
    expect(replicationShortfall(ring, 10)).toBe('9 nodes, fewer than N=10 replicas');
    const lone = buildRing([member('w1', 'west')], { virtualNodes: 8 });
    expect(replicationShortfall(lone, 3)).toBe('1 node, fewer than N=3 replicas');
    expect(replicationShortfall(lone, { west: 1, east: 1 })).toBe(
      '0 nodes in east, fewer than its 1 replica',
    );
  });

  it('is the plain preference list under a plain N, and nothing on an empty ring', () => {
    for (const key of keys.slice(0, 200)) {
      const plain = replicasFor(ring, key, 3);
      const expected = extendedPreferenceList(ring, key, 3);
      expect(plain.nodes).toEqual(expected.nodes);
      expect(plain.fallbacks).toEqual(expected.fallbacks);
      expect(plain.dataCentreOf).toBeNull();
    }
    expect(replicasFor(buildRing([]), 'k', { west: 2 }).nodes).toEqual([]);
    expect(replicationFactorOf({ west: 2, east: 3 })).toBe(5);
  });

  it('agrees with preferenceListPerDataCentre and with anti-entropy ranges, equal placements or not', () => {
    const placement = { west: 2, east: 2 };
    const ranges = new Map(
      members.map((m) => [m.id, replicatedRanges(ring, { east: 2, west: 2 }, m.id as NodeId)]),
    );
    for (const key of keys.slice(0, 300)) {
      const list = replicasFor(ring, key, placement);
      expect(list.nodes).toEqual(preferenceListPerDataCentre(ring, key, placement).nodes);
      expect(replicasFor(ring, key, { ...placement })).toBe(list); // cached by value, not identity
      const position = keyPosition(key);
      for (const [id, held] of ranges) {
        const range = held.find((r) => rangeContains(r, position));
        expect(range !== undefined, `${id} ${key}`).toBe(list.nodes.includes(id as NodeId));
      }
    }
  });
});
