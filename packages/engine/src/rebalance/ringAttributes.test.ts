/**
 * Ring attributes travel with a join (SPEC 1.3, 1.7): a node joining with weight 2 in data centre
 * "east" is known to the running members only through gossip, and they must place it on their rings
 * exactly as it places itself — the same tokens everywhere — even the members that heard of it from
 * another member rather than from the joiner itself.
 */
import { describe, expect, it } from 'vitest';
import { createKvNode, type KvNode } from '../node/kvNode.ts';
import type { ClusterEvent } from '../protocol/events.ts';
import { type NodeId, nodeIds } from '../protocol/ids.ts';
import type { Ring } from '../ring/ring.ts';
import { Simulation } from '../simulation/simulation.ts';

const before = nodeIds(4);
const joiner = 'n5' as NodeId;

/** A ring as comparable text: every token (position, node, index) and every node's attributes. */
function fingerprint(ring: Ring): string {
  return JSON.stringify({ nodes: ring.nodes, tokens: ring.tokens });
}

describe('ring attributes of a joined node', () => {
  it('reach every member through gossip, so every node computes the same ring', () => {
    const members = before.map((id) => ({ id }));
    const sim = new Simulation({
      seed: 3,
      nodes: before,
      createNode: createKvNode,
      config: { n: 3, antiEntropyIntervalMs: 0, members },
    });
    const joins: ClusterEvent[] = [];
    sim.onEvent((event) => {
      if (event.type === 'member.joined' && event.member === joiner) joins.push(event);
    });
    // The joiner contacts n1 only: n2…n4 learn of it (and of its attributes) from relayed digests.
    sim.schedule(2_000, 'join n5', () =>
      sim.addNode(joiner, {
        join: true,
        seeds: ['n1'],
        members: [...members, { id: joiner, weight: 2, dataCentre: 'east' }],
      }),
    );
    sim.runUntil(20_000);

    const rings = [...before, joiner].map((id) => (sim.node(id) as KvNode).rebalance.ring);
    const placed = rings[4]?.nodes.find((node) => node.id === joiner);
    expect(placed).toMatchObject({
      weight: 2,
      dataCentre: 'east',
      tokenCount: 2 * (rings[4]?.virtualNodes ?? 0),
    });
    for (const ring of rings) expect(fingerprint(ring)).toBe(fingerprint(rings[4] as Ring));
    // Some members did hear of it second-hand, so the relay path was exercised.
    expect(joins.some((event) => event.type === 'member.joined' && event.via !== joiner)).toBe(true);
  });
});
