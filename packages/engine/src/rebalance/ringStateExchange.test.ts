/**
 * A restarted node's ring catch-up held up by a joiner its peers fenced ranges for
 * (ringStateExchange.ts): a current answer naming such a joiner does not end the wait; the node's
 * ring showing the joiner, or the operator's word that it is gone, does. The wiped-loser case it
 * guards is test/failures/wipedLoser.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { emptyOutput, type NodeOutput } from '../node/contract.ts';
import { type NodeId, nodeId, nodeIds } from '../protocol/ids.ts';
import type { RingState } from './messages.ts';
import { RingMembership } from './ringMembership.ts';
import { RingStateExchange } from './ringStateExchange.ts';

const [n1, n2, n3] = nodeIds(3) as [NodeId, NodeId, NodeId];
const n6 = nodeId('n6');

function restarted(thorough = false) {
  const members = [n1, n2, n3].map((id) => ({ id }));
  const ring = new RingMembership(n1, members, { id: n1 }, 8, 3, () => {});
  const asked: NodeId[] = [];
  let caughtUpAt: number | null = null;
  const exchange = new RingStateExchange(
    {
      self: n1,
      send: (to) => asked.push(to),
      heardAlive: () => false,
      heardAliveNow: () => false,
      departed: () => {},
      joined: () => {},
      caughtUp: (now) => {
        caughtUpAt = now;
      },
      fencedFor: () => [],
    },
    ring,
  );
  const out = emptyOutput();
  exchange.start(true, 0, out, thorough);
  const answer = (joining: NodeId[], extra: NodeId[] = []): RingState => ({
    type: 'ring-state',
    members: [...members, ...extra.map((id) => ({ id }))],
    departed: [],
    current: true,
    joining,
  });
  return { exchange, asked, out, answer, caughtUpAt: () => caughtUpAt };
}

const waits = (out: NodeOutput) => out.events.filter((e) => e.type === 'ring.waitsForJoiner');

describe('ring catch-up and the joiners peers fenced for', () => {
  it('ends on a current answer that names no joiner', () => {
    const { exchange, out, answer, caughtUpAt } = restarted();
    exchange.onState(n2, answer([]), 10, out);
    expect(caughtUpAt()).toBe(10);
    expect(exchange.waiting).toBe(false);
  });

  it('waits, asking again, while an answer names a joiner its ring does not show, until an answer brings it', () => {
    const { exchange, asked, out, answer, caughtUpAt } = restarted();
    exchange.onState(n2, answer([n6]), 10, out);
    expect(exchange.waiting).toBe(true);
    expect(waits(out)).toMatchObject([{ node: n1, joiner: n6 }]);
    asked.length = 0;
    exchange.tick(1_000, out);
    expect(asked).toEqual([n2, n3]); // asked again
    expect(waits(out)).toHaveLength(1); // said once
    exchange.onState(n3, answer([], [n6]), 1_010, out); // n3's ring shows n6 now
    expect(caughtUpAt()).toBe(1_010);
  });

  it('asks again while held, after its wait would otherwise be over (a node that lost its disk)', () => {
    const { exchange, asked, out, answer, caughtUpAt } = restarted(true);
    exchange.onState(n2, answer([n6]), 10, out);
    exchange.onState(n3, answer([]), 20, out); // every peer answered: over, but for n6
    expect(exchange.waiting).toBe(true);
    asked.length = 0;
    exchange.tick(1_000, out);
    expect(asked).toEqual([n2, n3]);
    exchange.onState(n2, answer([]), 1_010, out); // n2 no longer fences for n6 (join cancelled)
    expect(caughtUpAt()).toBe(1_010);
  });

  it('stops waiting once the operator says the joiner is gone', () => {
    const { exchange, out, answer, caughtUpAt } = restarted();
    exchange.onState(n2, answer([n6]), 10, out);
    exchange.tick(20, out);
    expect(exchange.waiting).toBe(true);
    exchange.forget(n6);
    exchange.tick(30, out);
    expect(caughtUpAt()).toBe(30);
  });

  it('takes no notice of a fence for itself (a joiner restarting before it serves)', () => {
    const { exchange, out, answer, caughtUpAt } = restarted();
    exchange.onState(n2, answer([n1]), 10, out);
    expect(caughtUpAt()).toBe(10);
  });
});
