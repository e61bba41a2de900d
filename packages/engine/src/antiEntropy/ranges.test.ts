import { describe, expect, it } from 'vitest';
import { type NodeId, nodeIds } from '../protocol/ids.ts';
import { preferenceListPerDataCentre } from '../ring/dataCentres.ts';
import { preferenceList } from '../ring/preferenceList.ts';
import { buildRing, keyPosition } from '../ring/ring.ts';
import { rangeContains, rangeId, rangeOfKey, replicatedRanges } from './ranges.ts';

const members = nodeIds(5).map((id) => ({ id }));
const ring = buildRing(members, { virtualNodes: 8 });
const keys = Array.from({ length: 2_000 }, (_, i) => `user:${i}`);

describe('replicated ranges', () => {
  it('a node replicates exactly the arcs of the keys whose preference list names it, with the list as peers', () => {
    for (const { id } of members) {
      const ranges = replicatedRanges(ring, 3, id);
      for (const key of keys) {
        const list = preferenceList(ring, key, 3).nodes;
        const held = ranges.find((r) => rangeContains(r, keyPosition(key)));
        expect(held !== undefined).toBe(list.includes(id));
        if (held) {
          expect(held.replicas).toEqual(list);
          expect(held.peers).toEqual(list.filter((n) => n !== id));
        }
      }
    }
  });

  it('the arcs partition the ring, and each is held by N nodes', () => {
    const holders = new Map<string, number>();
    for (const { id } of members) {
      for (const r of replicatedRanges(ring, 3, id))
        holders.set(rangeId(r), (holders.get(rangeId(r)) ?? 0) + 1);
    }
    expect(holders.size).toBe(ring.positions.length);
    expect([...holders.values()].every((n) => n === 3)).toBe(true);
    for (const key of keys.slice(0, 200)) {
      const containing = [...holders.keys()].filter((id) => {
        const [start, end] = id.split('-').map(Number) as [number, number];
        return rangeContains({ start, end }, keyPosition(key));
      });
      expect(containing).toEqual([rangeId(rangeOfKey(ring, key))]);
    }
  });

  it('with replication per data centre, follows the per-data-centre preference lists', () => {
    const dcRing = buildRing(
      nodeIds(6).map((id, i) => ({ id, dataCentre: i < 3 ? 'east' : 'west' })),
      { virtualNodes: 4 },
    );
    const placement = { east: 2, west: 1 };
    for (const id of nodeIds(6)) {
      const ranges = replicatedRanges(dcRing, placement, id);
      for (const key of keys.slice(0, 300)) {
        const list = preferenceListPerDataCentre(dcRing, key, placement).nodes;
        const held = ranges.find((r) => rangeContains(r, keyPosition(key)));
        expect(held?.replicas ?? null).toEqual(list.includes(id) ? list : null);
      }
    }
  });

  it('a one-token ring is one range covering the whole circle', () => {
    const [only] = nodeIds(1);
    const single = buildRing([{ id: only as NodeId }], { virtualNodes: 1 });
    const [range, ...others] = replicatedRanges(single, 3, only as NodeId);
    expect(others).toHaveLength(0);
    expect(range?.start).toBe(range?.end);
    expect(range?.peers).toEqual([]);
    expect(keys.every((k) => range !== undefined && rangeContains(range, keyPosition(k)))).toBe(true);
  });
});
