/**
 * Which ranges move when a node joins a cluster with replicas per data centre: rebalance streams
 * exactly these, so they must follow the same placement the coordinator uses (`replicasFor`), not
 * a plain N over the whole ring. A node joining "east" takes replicas only from east.
 */
import { describe, expect, it } from 'vitest';
import type { NodeId } from '../protocol/ids.ts';
import { replicasFor } from './placement.ts';
import { rangeMoves } from './rangeMoves.ts';
import { buildRing, keyPosition, type RingMember } from './ring.ts';

const member = (id: string, dataCentre: string): RingMember => ({ id: id as NodeId, dataCentre });
const before = [
  member('w1', 'west'),
  member('w2', 'west'),
  member('w3', 'west'),
  member('e1', 'east'),
  member('e2', 'east'),
  member('e3', 'east'),
];
const after = [...before, member('e4', 'east')];
const placement = { west: 2, east: 2 };
const keys = Array.from({ length: 2_000 }, (_, i) => `key-${i}`);

describe('rangeMoves with a placement per data centre', () => {
  const [ringBefore, ringAfter] = [buildRing(before), buildRing(after)];
  const moves = rangeMoves(ringBefore, ringAfter, placement);

  it('moves replicas only inside the joiner’s data centre, and only to the joiner', () => {
    expect(moves.length).toBeGreaterThan(0);
    for (const move of moves) {
      expect(move.gained).toEqual(['e4']);
      for (const lost of move.lost) expect(lost.startsWith('e')).toBe(true);
    }
  });

  it('agrees with replicasFor on every key: a key’s replicas change exactly where a move says', () => {
    const moved = (key: string) => {
      const was = replicasFor(ringBefore, key, placement).nodes;
      const now = replicasFor(ringAfter, key, placement).nodes;
      return now.filter((n) => !was.includes(n));
    };
    const inArc = (p: number, start: number, end: number) =>
      start < end ? p > start && p <= end : p > start || p <= end;
    for (const key of keys) {
      const position = keyPosition(key);
      const move = moves.find((m) => inArc(position, m.start, m.end));
      expect(moved(key), key).toEqual(move ? move.gained : []);
    }
    // A plain N=4 over the whole ring would move west replicas too: the per-DC moves must not.
    const plain = rangeMoves(ringBefore, ringAfter, 4);
    expect(
      plain.some((m) => m.gained.some((n) => n.startsWith('w')) || m.lost.some((n) => n.startsWith('w'))),
    ).toBe(true);
  });
});
