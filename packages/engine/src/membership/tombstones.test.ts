/**
 * Tombstones (tombstones.ts): news at or below a removed member's incarnation is stale, a newer
 * incarnation is not; only members removed while down are probed, not those that left or were
 * found to have left; a member taken back is forgotten; at most `membersMax` are kept, the oldest
 * removal forgotten first.
 */
import { describe, expect, it } from 'vitest';
import { membersMax } from '../constants.ts';
import type { NodeId } from '../protocol/ids.ts';
import { Tombstones } from './tombstones.ts';

const n = (i: number) => `n${i}` as NodeId;

describe('Tombstones', () => {
  it('calls news of a removed member stale up to the incarnation it was removed at', () => {
    const removed = new Tombstones();
    removed.bury(n(1), { generation: 5, heartbeat: 9 }, true);
    expect(removed.stale(n(1), { generation: 5, heartbeat: 9 })).toBe(true);
    expect(removed.stale(n(1), { generation: 4, heartbeat: 99 })).toBe(true);
    expect(removed.stale(n(1), { generation: 5, heartbeat: 10 })).toBe(false);
    expect(removed.stale(n(1), { generation: 6, heartbeat: 0 })).toBe(false);
    expect(removed.stale(n(2), { generation: 0, heartbeat: 0 })).toBe(false);
  });

  it('probes only the members removed while down', () => {
    const removed = new Tombstones();
    removed.bury(n(1), { generation: 1, heartbeat: 1 }, true);
    removed.bury(n(2), { generation: 1, heartbeat: 1 }, false); // it left
    removed.bury(n(3), { generation: 1, heartbeat: 1 }, true);
    removed.departed(n(3)); // a peer's ring says it left after all
    expect(removed.unreachable()).toEqual([n(1)]);
    removed.lift(n(1)); // back as a member
    expect(removed.unreachable()).toEqual([]);
    expect(removed.stale(n(1), { generation: 1, heartbeat: 1 })).toBe(false);
  });

  it(`keeps at most ${membersMax}, forgetting the oldest removal first`, () => {
    const removed = new Tombstones();
    for (let i = 0; i <= membersMax; i++) removed.bury(n(i), { generation: 1, heartbeat: 1 }, true);
    removed.bury(n(1), { generation: 1, heartbeat: 2 }, true); // removed again: now the newest
    removed.bury(n(membersMax + 1), { generation: 1, heartbeat: 1 }, true);
    const kept = removed.unreachable();
    expect(kept).toHaveLength(membersMax);
    expect(kept).not.toContain(n(0));
    expect(kept).not.toContain(n(2));
    expect(kept).toContain(n(1));
  });
});
