/**
 * How one node's ring follows the joins and departures its gossip reports (ringMembership.ts),
 * above all the departures it hears late. A departure carries the ring its leaver left: a node that
 * missed a join before it takes the joiner from that ring first (T3 seed 683). But a departure of a
 * member the ring does not hold is older than the ring: a joiner that started after n2, n4 and n6 had
 * left, and heard their departures only then, must not take n2 or n6 back from the rings n4 and n2
 * left (churn sweep, seed 2: n8 did, counted n2 and n6 as replicas, and deleted keys it had to keep).
 */
import { describe, expect, it } from 'vitest';
import { emptyOutput, type NodeOutput } from '../node/contract.ts';
import { type NodeId, nodeId } from '../protocol/ids.ts';
import type { RingMember } from '../ring/ring.ts';
import { RingMembership } from './ringMembership.ts';

const members = (...ids: string[]): RingMember[] => ids.map((id) => ({ id: nodeId(id) }));

function ringOf(self: string, start: RingMember[]): RingMembership {
  return new RingMembership(nodeId(self), start, { id: nodeId(self) }, 8, 3, () => {});
}

/** The `member.left` events this node's gossip reported in one step, in the order given. */
function departures(self: string, ...left: [string, RingMember[] | undefined][]): NodeOutput {
  const out = emptyOutput();
  for (const [member, ring] of left) {
    out.events.push({ type: 'member.left', at: 0, node: nodeId(self), member: nodeId(member), ring });
  }
  return out;
}

const ids = (ring: RingMembership) => ring.memberList.map((m) => m.id).sort();

describe('a ring following departures', () => {
  it('takes a join it missed from the ring a departure carries, then removes the leaver', () => {
    const ring = ringOf('n2', members('n1', 'n2', 'n3', 'n5'));
    const added = ring.follow(0, departures('n2', ['n3', members('n1', 'n2', 'n5', 'n6')]));
    expect(added).toEqual(['n6']);
    expect(ids(ring)).toEqual(['n1', 'n2', 'n5', 'n6']);
    expect(ring.departed).toEqual(['n3']);
  });

  it('takes no member back from the ring of a departure older than its own ring', () => {
    // n8 joined on n1, n3, n5, n7 after n4, n2 and n6 had left, in that order, and hears of them now.
    const ring = ringOf('n8', members('n1', 'n3', 'n5', 'n7', 'n8'));
    ring.follow(0, departures('n8', ['n6', members('n1', 'n3', 'n5', 'n7')]));
    const added = ring.follow(
      0,
      departures(
        'n8',
        ['n2', members('n1', 'n3', 'n5', 'n6')],
        ['n4', members('n1', 'n2', 'n3', 'n5', 'n6')],
      ),
    );
    expect(added).toEqual([]);
    expect(ids(ring)).toEqual(['n1', 'n3', 'n5', 'n7', 'n8']);
    expect([...ring.departed].sort()).toEqual(['n2', 'n4', 'n6']);
  });

  it('remembers the departure of a member it never held, so no ring a peer sends adds it back', () => {
    const ring = ringOf('n8', members('n1', 'n3', 'n5', 'n8'));
    ring.follow(0, departures('n8', ['n6', undefined]));
    expect(ring.addMissing(members('n1', 'n3', 'n5', 'n6', 'n7'), 0, emptyOutput())).toEqual([
      'n7' as NodeId,
    ]);
    expect(ids(ring)).toEqual(['n1', 'n3', 'n5', 'n7', 'n8']);
  });
});
