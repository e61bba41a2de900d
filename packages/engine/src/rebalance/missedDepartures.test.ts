/**
 * A node cut off from everyone while another is decommissioned, for longer than gossip announces the
 * departure (T_cleanup, 30 s), learns it once the partition heals (missedDepartures.ts): it asks
 * the members it hears alive for their ring and takes the departure from their answers, under each
 * failure detector (the gossip detector leaves the leaver suspected on the cut-off node; the local
 * one convicts it and forgets it). Also when the first news after the heal is a later join. A
 * member that merely crashed stays on every ring (an outage is not a departure). Control: without
 * the asking, the cut-off node keeps the member that left on its ring for ever.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKvNode, type KvNode } from '../node/kvNode.ts';
import { type NodeId, nodeIds } from '../protocol/ids.ts';
import { buildRing } from '../ring/ring.ts';
import type { FailureDetectorKind } from '../scenario/types.ts';
import { Simulation } from '../simulation/simulation.ts';
import { missedDepartureAsks } from './missedDepartures.ts';
import { RingStateExchange } from './ringStateExchange.ts';

const nodes = nodeIds(5);
const [cutOff, , leaving] = nodes as [NodeId, NodeId, NodeId];
const others = nodes.filter((id) => id !== cutOff);
const joiner = 'n6' as NodeId;

const kv = (sim: Simulation, id: NodeId) => sim.node(id) as KvNode;
const ringIds = (sim: Simulation, id: NodeId) => kv(sim, id).rebalance.ring.nodes.map((node) => node.id);
const tracked = (sim: Simulation, id: NodeId, at: number) =>
  kv(sim, id)
    .membership.snapshot(at)
    .map((member) => member.id);

/**
 * n3 is decommissioned at 10 s; the moment it has left, n1 is cut off from everyone, and n3 is
 * switched off 5 s later; the partition heals 60 s after the departure. Optionally n6 joins while n1
 * is still cut off. Runs to 150 s.
 */
function cutOffThroughDeparture(options: { detector?: FailureDetectorKind; join?: boolean } = {}) {
  const members = nodes.map((id) => ({ id }));
  const current = members.filter((member) => member.id !== leaving); // the ring the joiner is told of
  const config = { n: 3, antiEntropyIntervalMs: 0, members, detector: options.detector ?? 'gossip' };
  const sim = new Simulation({ seed: 7, nodes, createNode: createKvNode, config });
  sim.schedule(10_000, 'decommission n3', () => sim.control(leaving, { decommission: true }));
  let leftAt: number | null = null;
  sim.onEvent((event) => {
    if (leftAt !== null || event.type !== 'ring.changed' || event.node !== leaving) return;
    leftAt = event.at;
    sim.network.partition(nodes, [[cutOff], others]);
    sim.schedule(event.at + 5_000, 'switch n3 off', () => sim.crash(leaving));
    if (options.join)
      sim.schedule(event.at + 40_000, 'join n6', () =>
        sim.addNode(joiner, { ...config, join: true, members: [...current, { id: joiner }] }),
      );
    sim.schedule(event.at + 60_000, 'heal', () => sim.network.heal());
  });
  const learned: string[] = []; // the cut-off node's member.left events: whose ring told it
  sim.onEvent((event) => {
    if (event.type === 'member.left' && event.node === cutOff)
      learned.push(`${event.member} via ${event.via}`);
  });
  sim.runUntil(150_000);
  expect(leftAt, 'n3 finished its decommission').not.toBeNull();
  return Object.assign(sim, { learned });
}

describe('a departure missed while cut off', () => {
  afterEach(() => vi.restoreAllMocks());

  for (const detector of ['gossip', 'local', 'phi'] as const) {
    it(`is learned once the partition heals (${detector} detector)`, () => {
      const sim = cutOffThroughDeparture({ detector });
      expect(ringIds(sim, cutOff)).toEqual(['n1', 'n2', 'n4', 'n5']);
      if (detector === 'gossip') expect(sim.learned).toEqual([expect.stringMatching(/^n3 via n[245]$/)]);
      // Gossip no longer suspects it either: its record ended as a departure and was removed.
      expect(tracked(sim, cutOff, 150_000)).not.toContain(leaving);
    });
  }

  it('is learned when the first news after the heal is a later join', () => {
    const sim = cutOffThroughDeparture({ join: true });
    for (const id of [...nodes.filter((id) => id !== leaving), joiner])
      expect(ringIds(sim, id), `${id}'s ring`).toEqual(['n1', 'n2', 'n4', 'n5', 'n6']);
  });

  it('control: without asking who left, the cut-off node keeps the departed member for ever', () => {
    vi.spyOn(RingStateExchange.prototype, 'askWhoLeft').mockImplementation(() => {});
    const sim = cutOffThroughDeparture();
    expect(ringIds(sim, cutOff)).toContain(leaving);
    expect(ringIds(sim, 'n2' as NodeId)).not.toContain(leaving);
  });

  it('leaves a member that merely crashed on every ring, however long it is down', () => {
    const members = nodes.map((id) => ({ id }));
    const sim = new Simulation({
      seed: 7,
      nodes,
      createNode: createKvNode,
      config: { n: 3, antiEntropyIntervalMs: 0, members },
    });
    let asked = 0;
    sim.onEvent((event) => {
      if (event.type === 'message.sent' && event.msg === 'ring-state-request') asked++;
    });
    sim.schedule(5_000, 'cut n1 off', () => sim.network.partition(nodes, [[cutOff], others]));
    sim.schedule(10_000, 'crash n3', () => sim.crash(leaving));
    sim.schedule(70_000, 'heal', () => sim.network.heal());
    sim.runUntil(150_000);
    for (const id of nodes.filter((id) => id !== leaving)) expect(ringIds(sim, id)).toContain(leaving);
    expect(asked, 'the cut-off node asked who left').toBeGreaterThan(0);
  });
});

describe('missedDepartureAsks', () => {
  const ring = buildRing(
    nodes.map((id) => ({ id })),
    { virtualNodes: 8 },
  );
  type Status = 'alive' | 'suspected' | 'down' | 'left' | 'unknown';
  /** Gossip's news: each member's status (alive unless named), and those silent past T_cleanup. */
  const news = (statuses: Record<string, Status>, silentLong: string[] = []) => ({
    memberStatus: (id: NodeId) => statuses[id] ?? 'alive',
    mayHaveLeftUnseen: (id: NodeId) => statuses[id] === 'unknown' || silentLong.includes(id),
  });
  const at = 1_000;

  it('asks the members heard alive when gossip removes a down member of the ring', () => {
    const events = [{ type: 'member.removed', at, node: cutOff, member: leaving, was: 'down' } as const];
    const asks = missedDepartureAsks(events, cutOff, ring, news({ n3: 'unknown', n4: 'suspected' }), at);
    expect(asks).toEqual(['n2', 'n5']);
  });

  it('asks when a member comes back while the ring holds one silent past T_cleanup, not after a short cut', () => {
    const back = [
      { type: 'member.alive', at, node: cutOff, member: 'n2' as NodeId, was: 'suspected' } as const,
    ];
    const long = news({ n3: 'suspected' }, ['n3']);
    expect(missedDepartureAsks(back, cutOff, ring, long, at)).toEqual(['n2', 'n4', 'n5']);
    expect(missedDepartureAsks(back, cutOff, ring, news({ n3: 'suspected' }), at)).toEqual([]);
    expect(missedDepartureAsks(back, cutOff, ring, news({}), at)).toEqual([]);
  });

  it('asks nothing for a departure it heard, another node’s events, or a removed member off the ring', () => {
    const heard = [{ type: 'member.removed', at, node: cutOff, member: leaving, was: 'left' } as const];
    expect(missedDepartureAsks(heard, cutOff, ring, news({ n3: 'unknown' }), at)).toEqual([]);
    const theirs = [
      { type: 'member.removed', at, node: 'n2' as NodeId, member: leaving, was: 'down' } as const,
    ];
    expect(missedDepartureAsks(theirs, cutOff, ring, news({ n3: 'unknown' }), at)).toEqual([]);
    const offRing = [
      { type: 'member.removed', at, node: cutOff, member: 'n9' as NodeId, was: 'down' } as const,
    ];
    expect(missedDepartureAsks(offRing, cutOff, ring, news({}), at)).toEqual([]);
  });
});
