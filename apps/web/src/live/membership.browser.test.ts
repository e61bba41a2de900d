/**
 * The page's membership rules (membership.ts), without workers: the ring follows the first
 * `ring.changed` report of a change, ids are never reused, changes that cannot work are refused with
 * their sentence, the join and leave sentences name the right shares and nodes (checked against the
 * engine's own ownership), the autoscaler's settings are refused in sentences, and the saved member
 * list round-trips through localStorage.
 */

import { buildRing, type NodeId, nodeIds, ownership } from '@kvscope/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { autoscalerDefaults, autoscalerProblem, savedAutoscaler } from './autoscaler.ts';
import {
  type Availability,
  addProblem,
  describeJoin,
  describeLeave,
  foldRingChange,
  initialMembership,
  loadMembers,
  nextNodeId,
  removeProblem,
  saveMembers,
  summariseChange,
} from './membership.ts';

const five = nodeIds(5);
const allUp = (ids: readonly NodeId[]): Record<string, Availability> =>
  Object.fromEntries(ids.map((id) => [id, 'up' as const]));
const n = (id: string) => id as NodeId;

describe('membership view', () => {
  it('moves the ring on the first report of a change and keeps the ring before it', () => {
    const start = initialMembership(five);
    const joined = foldRingChange(start, ['n6'], [], 10);
    expect(joined.ring).toEqual([...five, 'n6']);
    expect(joined.previous).toEqual(five);
    expect(joined.changedAt).toBe(10);
    // The other nodes report the same change later: nothing moves again.
    expect(foldRingChange(joined, ['n6'], [], 20)).toBe(joined);
    const left = foldRingChange(joined, [], ['n2'], 30);
    expect(left.ring).toEqual(['n1', 'n3', 'n4', 'n5', 'n6']);
    expect(left.previous).toEqual(joined.ring);
  });

  it('gives a new node the id after the highest ever used, never a retired one', () => {
    expect(nextNodeId(five, [])).toBe('n6');
    expect(nextNodeId([n('n1'), n('n2'), n('n3')], [n('n4'), n('n5')])).toBe('n6');
  });
});

describe('refusals', () => {
  it('refuses to remove a node below N with the sentence the lab shows', () => {
    const three = initialMembership(nodeIds(3));
    expect(removeProblem(three, n('n3'), 3, allUp(three.ring))).toBe(
      'Removing n3 would leave 2 nodes, fewer than N=3 replicas.',
    );
    expect(removeProblem(three, n('n3'), 2, allUp(three.ring))).toBeNull();
  });

  it('refuses a change while another is streaming, or while a node it needs is not up', () => {
    const busy = { ...initialMembership(five), joining: [n('n6')] };
    expect(addProblem(busy, allUp(five))).toMatch(/^n6 is still joining/);
    expect(removeProblem(busy, n('n1'), 3, allUp(five))).toMatch(/^n6 is still joining/);
    const view = initialMembership(five);
    const n3down = { ...allUp(five), n3: 'crashed' as const };
    expect(addProblem(view, n3down)).toMatch(
      /^Adding a node needs n3 up \(it is crashed\): a joining node pulls each range/,
    );
    expect(removeProblem(view, n('n3'), 3, n3down)).toMatch(/^n3 is crashed: a decommission streams/);
    expect(removeProblem(view, n('n1'), 3, n3down)).toMatch(
      /^Removing n1 needs n3 up \(it is crashed\): n3 would receive some of n1's ranges/,
    );
    expect(addProblem(view, allUp(five), 5)).toMatch(/already has 5 nodes/);
    expect(addProblem(view, allUp(five))).toBeNull();
  });
});

describe('sentences', () => {
  it('a joiner gains exactly the arcs it now replicates, taken from the nodes that lose them', () => {
    const after = [...five, n('n6')];
    const summary = summariseChange(five, after, n('n6'), 3, 8);
    const share = ownership(buildRing(after.map((id) => ({ id }))), 3).find((s) => s.node === 'n6');
    expect(summary.replicaShare).toBeCloseTo(share?.replica ?? -1, 9);
    expect(summary.primaryShare).toBeCloseTo(share?.primary ?? -1, 9);
    const losers = [...new Set(summary.moves.flatMap((m) => m.lost))].sort();
    expect(summary.counterparts).toEqual(losers);
    expect(summary.counterparts).not.toContain('n6');
    const text = describeJoin(n('n6'), summary, { streams: 9, keys: 212, ms: 430 });
    expect(text).toMatch(/^n6 joined: replica for \d+% of the ring \(primary for \d+%\), taken from n\d/);
    expect(text).toContain('212 keys streamed in 9 streams in 430 ms');
  });

  it('a leaving node hands each of its arcs to the nodes that gain them', () => {
    const after = five.filter((id) => id !== 'n2');
    const summary = summariseChange(five, after, n('n2'), 3, 8);
    const share = ownership(buildRing(five.map((id) => ({ id }))), 3).find((s) => s.node === 'n2');
    expect(summary.replicaShare).toBeCloseTo(share?.replica ?? -1, 9);
    expect(summary.counterparts).not.toContain('n2');
    expect(summary.moves.every((m) => m.lost.includes(n('n2')) && m.gained.length === 1)).toBe(true);
    expect(describeLeave(n('n2'), summary, { streams: 1, keys: 1, ms: 2_500 })).toMatch(
      /^n2 left: handed 1 key \(its \d+% of the ring\) to n\d(, n\d)* in 1 stream in 2\.5 s$/,
    );
  });
});

describe('autoscaler settings', () => {
  it('refuses thresholds without a gap, a minimum below N and a maximum past the lab, each in a sentence', () => {
    expect(autoscalerProblem(autoscalerDefaults, 3)).toBeNull();
    expect(autoscalerProblem({ ...autoscalerDefaults, lowLoadPerNode: 10 }, 3)).toBe(
      'Remove below 10 ops/s must be under add above 10 ops/s, or each change would call for the next.',
    );
    expect(autoscalerProblem({ ...autoscalerDefaults, minNodes: 9 }, 3)).toBe(
      'The minimum size 9 is above the maximum size 8.',
    );
    expect(autoscalerProblem({ ...autoscalerDefaults, minNodes: 2 }, 3)).toBe(
      'The minimum size 2 is below N=3: shrinking to it would leave keys with fewer than N replicas.',
    );
    expect(autoscalerProblem({ ...autoscalerDefaults, maxNodes: 13 }, 3)).toBe(
      'The maximum size is at most 12 nodes in this lab.',
    );
  });
});

describe('saved autoscaler', () => {
  afterEach(() => localStorage.removeItem('kvscope.autoscaler'));

  it('reads back a saved switch and settings, and nothing from garbage', () => {
    expect(savedAutoscaler()).toBeNull();
    const settings = { ...autoscalerDefaults, maxNodes: 6 };
    localStorage.setItem('kvscope.autoscaler', JSON.stringify({ enabled: true, settings }));
    expect(savedAutoscaler()).toEqual({ enabled: true, settings });
    localStorage.setItem(
      'kvscope.autoscaler',
      JSON.stringify({ enabled: true, settings: { maxNodes: 'x' } }),
    );
    expect(savedAutoscaler()).toBeNull();
    localStorage.setItem('kvscope.autoscaler', '{not json');
    expect(savedAutoscaler()).toBeNull();
  });
});

describe('saved members', () => {
  afterEach(() => localStorage.removeItem('kvscope.members'));

  it('round-trips the member list and the retired ids, and ignores anything else', () => {
    expect(loadMembers()).toBeNull();
    saveMembers({ members: [n('n1'), n('n3'), n('n6')], retired: [n('n2')] });
    expect(loadMembers()).toEqual({ members: ['n1', 'n3', 'n6'], retired: ['n2'] });
    localStorage.setItem('kvscope.members', JSON.stringify({ members: ['n1', '<script>'] }));
    expect(loadMembers()).toBeNull();
    localStorage.setItem('kvscope.members', '{not json');
    expect(loadMembers()).toBeNull();
  });
});
