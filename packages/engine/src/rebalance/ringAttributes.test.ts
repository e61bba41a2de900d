/**
 * Ring attributes travel with a join (SPEC 1.3, 1.7): a node joining with weight 2 in data centre
 * "east" is known to the running members only through gossip, and they must place it on their rings
 * exactly as it places itself — the same tokens everywhere — even the members that heard of it from
 * another member rather than from the joiner itself. Attributes that could not be placed on a ring
 * (a weight of 0 or beyond the token limit, an empty or overlong data centre) are refused at the
 * message boundary, in gossip and in a peer's ring-state answer to a restarted node.
 */
import { describe, expect, it } from 'vitest';
import { tokensPerNodeMax } from '../constants.ts';
import { isKvError } from '../errors.ts';
import { createKvNode, type KvNode } from '../node/kvNode.ts';
import type { ClusterEvent } from '../protocol/events.ts';
import { type NodeId, nodeIds } from '../protocol/ids.ts';
import { validateEnvelope } from '../protocol/messages.ts';
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

  it('refuses gossip whose attributes could not be placed on a ring', () => {
    const entry = { id: joiner, generation: 1, heartbeat: 1, status: 'alive', suspects: [] };
    const gossip = (attributes: Record<string, unknown>) => ({
      from: joiner,
      to: 'n1',
      id: 0,
      body: { type: 'gossip', members: [{ ...entry, ...attributes }], reply: false },
    });
    expect(isKvError(validateEnvelope(gossip({})))).toBe(false);
    expect(isKvError(validateEnvelope(gossip({ weight: 2, dataCentre: 'east' })))).toBe(false);
    for (const bad of [
      { weight: 0 },
      { weight: tokensPerNodeMax + 1 },
      { weight: Number.NaN },
      { dataCentre: '' },
      { dataCentre: 'x'.repeat(65) },
      { dataCentre: 7 },
    ]) {
      expect(validateEnvelope(gossip(bad))).toMatchObject({ code: 'KV_INVALID_MESSAGE' });
    }
  });

  it('refuses a ring-state answer whose members could not be placed on a ring', () => {
    const ringState = (members: unknown[], departed: unknown[] = []) => ({
      from: 'n1',
      to: joiner,
      id: 0,
      body: { type: 'ring-state', members, departed, current: true, joining: [] },
    });
    expect(
      isKvError(
        validateEnvelope(ringState([{ id: 'n1' }, { id: 'n6', weight: 2, dataCentre: 'east' }], ['n3'])),
      ),
    ).toBe(false);
    for (const bad of [
      ringState([{ id: '' }]),
      ringState([{ id: 'n6', weight: 0 }]),
      ringState([{ id: 'n6', dataCentre: '' }]),
      ringState(['n6']),
      ringState([], [7]),
      {
        from: 'n1',
        to: joiner,
        id: 0,
        body: { type: 'ring-state', members: [], departed: [], current: true, joining: [7] },
      },
      { from: 'n1', to: joiner, id: 0, body: { type: 'ring-state', departed: [], current: true } },
      { from: 'n1', to: joiner, id: 0, body: { type: 'ring-state', members: [], departed: [] } },
    ]) {
      expect(validateEnvelope(bad)).toMatchObject({ code: 'KV_INVALID_MESSAGE' });
    }
  });
});
