/**
 * Ring membership survives restarts (SPEC 1.7, TESTING T4's crash/restart): after a join and a
 * decommission, a node that loses power and restarts comes back with the ring it had — the joiner
 * with its weight and data centre, without the node that left — before it has heard any gossip,
 * not with the ring of its boot configuration. A joiner that restarts does not bootstrap again; a
 * decommissioned node that restarts stays left (refuses requests, and no one puts it back on the
 * ring), and one that loses power in the middle of its decommission resumes it. A member that was
 * down while a node left, for longer than gossip announces a departure, learns it from its peers,
 * and one down during a join and a departure takes both from a peer's ring, the join first, asking
 * again while no answer comes; under strict quorums it serves nothing until then (ringCatchUp.ts).
 * An old owner that restarts before it cleaned up what it handed to the joiner still cleans up,
 * losing nothing. Controls: without the saved ring a restart falls back to the boot
 * configuration, and a damaged one is reported and not trusted.
 */
import { describe, expect, it } from 'vitest';
import { rangeForwardGraceMs } from '../constants.ts';
import type { KvReply, KvRequest } from '../index.ts';
import { createKvNode, type KvNode } from '../node/kvNode.ts';
import type { ClusterEvent } from '../protocol/events.ts';
import { type NodeId, nodeIds } from '../protocol/ids.ts';
import { Rng } from '../random/rng.ts';
import { preferenceList } from '../ring/preferenceList.ts';
import { rangeMoves } from '../ring/rangeMoves.ts';
import { buildRing, type Ring } from '../ring/ring.ts';
import { Simulation } from '../simulation/simulation.ts';
import { FaultyFileSystem } from '../storage/files/faultyFileSystem.ts';
import { ringFileName } from './ringFile.ts';

const before = nodeIds(4);
const joiner = 'n5' as NodeId;
const leaving = 'n3' as NodeId;

const ringOf = (sim: Simulation, id: NodeId): Ring => (sim.node(id) as KvNode).rebalance.ring;
const idsOf = (ring: Ring) => ring.nodes.map((node) => node.id);
const fingerprint = (ring: Ring) => JSON.stringify({ nodes: ring.nodes, tokens: ring.tokens });

const keys = Array.from({ length: 60 }, (_, i) => `k${i}`);

/** 60 keys written at 1 s; n5 (weight 2, "east") joins n1…n4 at 2 s, n3 is decommissioned at 15 s; runs to 30 s. */
function grownAndShrunk(
  seed: number,
  options: { crashLeavingAt?: number; powerOff?: [NodeId, number] } = {},
) {
  const members = before.map((id) => ({ id }));
  const disks = new Map<NodeId, FaultyFileSystem>();
  const sim = new Simulation({
    seed,
    nodes: before,
    createNode: createKvNode,
    config: { n: 3, antiEntropyIntervalMs: 0, members },
    fileSystem: (id) => {
      const disk = new FaultyFileSystem({ label: `disk:${id}`, rng: new Rng(seed, `disk/${id}`) });
      disks.set(id, disk);
      return disk;
    },
  });
  const events: ClusterEvent[] = [];
  sim.onEvent((event) => {
    if (!event.type.startsWith('message.') && event.type !== 'storage') events.push(event);
  });
  const acked = new Set<string>();
  sim.schedule(1_000, 'writes', () => {
    for (const key of keys) {
      const put = { type: 'put', requestId: key, key, value: new Uint8Array([1]), w: 3 } as KvRequest;
      sim.request('n1' as NodeId, put, (reply) => {
        if (reply.ok) acked.add(key);
      });
    }
  });
  sim.schedule(2_000, 'join n5', () =>
    sim.addNode(joiner, { join: true, members: [...members, { id: joiner, weight: 2, dataCentre: 'east' }] }),
  );
  sim.schedule(15_000, 'decommission n3', () => sim.control(leaving, { decommission: true }));
  const { crashLeavingAt } = options;
  if (crashLeavingAt !== undefined) {
    // Its batches mostly get lost, so the hand-over is still running when the power goes.
    const others = [...before, joiner].filter((id) => id !== leaving);
    const loss = (value: number) => () => {
      for (const to of others) sim.network.configureLink(leaving, to, { loss: value });
    };
    sim.schedule(14_000, 'lossy n3', loss(0.9));
    sim.schedule(crashLeavingAt, 'power off n3', () => sim.crash(leaving, 'power'));
    sim.schedule(crashLeavingAt + 1_000, 'restart n3', () => sim.restart(leaving));
    sim.schedule(crashLeavingAt + 3_000, 'heal n3', loss(0));
  }
  sim.runUntil(30_000);
  return { sim, events, disks, acked };
}

/**
 * Eight nodes with one token each; a bystander (one that neither hands a range to n9 nor gains one
 * from n3) loses power at 3 s, n9 joins at 5 s and n3 is decommissioned at 20 s; at 40 s, with both
 * changes done on every other ring, the bystander restarts.
 */
function missedJoinAndDeparture(quorum: 'strict' | 'sloppy') {
  const nodes = nodeIds(8);
  const members = nodes.map((id) => ({ id }));
  const newcomer = 'n9' as NodeId;
  const ring1 = (list: typeof members) => buildRing(list, { virtualNodes: 1 });
  const grown = [...members, { id: newcomer }];
  const shrunk = grown.filter((m) => m.id !== leaving);
  const busy = new Set([
    ...rangeMoves(ring1(members), ring1(grown), 3).flatMap((move) => move.lost),
    ...rangeMoves(ring1(grown), ring1(shrunk), 3).flatMap((move) => move.gained),
    leaving,
  ]);
  const bystander = nodes.find((id) => !busy.has(id)) as NodeId;
  expect(bystander).toBeDefined();
  const config = { n: 3, virtualNodes: 1, antiEntropyIntervalMs: 0, members, quorum };
  const sim = new Simulation({ seed: 9, nodes, createNode: createKvNode, config });
  const events: ClusterEvent[] = [];
  sim.onEvent((event) => {
    if (event.type === 'ring.changed') events.push(event);
  });
  sim.schedule(3_000, 'power off', () => sim.crash(bystander, 'power'));
  sim.schedule(5_000, 'join n9', () => sim.addNode(newcomer, { join: true, members: grown }));
  sim.schedule(20_000, 'decommission n3', () => sim.control(leaving, { decommission: true }));
  sim.runUntil(40_000);
  expect(idsOf(ringOf(sim, 'n1' as NodeId))).toEqual(idsOf(ring1(shrunk)));
  sim.restart(bystander);
  return { sim, bystander, events };
}

/** Five nodes under strict quorums, run for 3 s, then all powered off (the caller restarts them). */
function strictClusterPoweredOff(seed: number): Simulation {
  const nodes = nodeIds(5);
  const config = { n: 3, antiEntropyIntervalMs: 0, members: nodes.map((id) => ({ id })), quorum: 'strict' };
  const sim = new Simulation({ seed, nodes, createNode: createKvNode, config });
  sim.runUntil(3_000);
  for (const id of nodes) sim.crash(id, 'power');
  return sim;
}

/** Powers `id` off and on again, and returns the ring it starts with (before any message arrives). */
function powerCycle(sim: Simulation, id: NodeId): Ring {
  sim.crash(id, 'power');
  sim.restart(id);
  return ringOf(sim, id);
}

describe('ring membership across restarts', () => {
  it('brings a restarted member back with the ring it had, not its boot configuration', () => {
    const { sim, events } = grownAndShrunk(4);
    const final = ringOf(sim, 'n1' as NodeId);
    expect(idsOf(final)).toEqual(['n1', 'n2', 'n4', 'n5']);
    for (const id of ['n1', 'n2', 'n4', joiner] as NodeId[]) {
      expect(fingerprint(powerCycle(sim, id))).toBe(fingerprint(final));
    }
    const restored = events.filter((e) => e.type === 'ring.restored');
    expect(restored).toHaveLength(4);
    expect(restored.every((e) => e.type === 'ring.restored' && e.from === 'disk' && !e.left)).toBe(true);

    // The joiner did not bootstrap again, and serves at once.
    const bootstraps = () =>
      events.filter((e) => e.type === 'rebalance.finished' && e.node === joiner && e.kind === 'bootstrap');
    expect(bootstraps()).toHaveLength(1);
    sim.runFor(10_000);
    expect(bootstraps()).toHaveLength(1);
    expect((sim.node(joiner) as KvNode).rebalance.phase).toBe('serving');
    for (const id of ['n1', 'n2', 'n4', joiner] as NodeId[])
      expect(fingerprint(ringOf(sim, id))).toBe(fingerprint(final));
  });

  it('keeps a decommissioned node left after it restarts', () => {
    const { sim, events } = grownAndShrunk(5);
    expect(idsOf(powerCycle(sim, leaving))).not.toContain(leaving);
    const node = sim.node(leaving) as KvNode;
    expect(node.rebalance.phase).toBe('left');
    let reply: KvReply | undefined;
    const put = { type: 'put', requestId: 'r1', key: 'k1', value: new Uint8Array([1]), context: null };
    sim.request(leaving, put as unknown as KvRequest, (r) => {
      reply = r as KvReply;
    });
    const restartedAt = sim.now;
    sim.runFor(20_000);
    expect(reply).toMatchObject({ ok: false, error: { code: 'KV_NOT_SERVING' } });
    // Its new incarnation announced `left`, so no member took it for a newcomer.
    const rejoined = events.filter(
      (e) => e.type === 'member.joined' && e.member === leaving && e.at >= restartedAt,
    );
    expect(rejoined).toEqual([]);
    for (const id of ['n1', 'n2', 'n4', joiner] as NodeId[])
      expect(idsOf(ringOf(sim, id))).not.toContain(leaving);
  });

  it('resumes a decommission that a power loss cut short', () => {
    const crashAt = 15_500;
    const { sim, events, acked } = grownAndShrunk(7, { crashLeavingAt: crashAt });
    expect(acked.size).toBe(keys.length);
    const finished = events.filter((e) => e.type === 'rebalance.finished' && e.node === leaving);
    expect(finished).toHaveLength(1); // not before the crash: only the resumed hand-over finished
    expect(finished[0]?.at).toBeGreaterThan(crashAt + 1_000);
    expect((sim.node(leaving) as KvNode).rebalance.phase).toBe('left');
    const final = ['n1', 'n2', 'n4', joiner] as NodeId[];
    const ring = ringOf(sim, 'n1' as NodeId);
    expect(idsOf(ring)).toEqual(final);
    for (const id of final) expect(fingerprint(ringOf(sim, id))).toBe(fingerprint(ring));
    // Every key is on each of its replicas on the final ring (it was written with W = 3 before).
    for (const id of final) {
      const held = new Set([...(sim.node(id) as KvNode).store.entries()].map(([key]) => key));
      for (const key of keys)
        if (preferenceList(ring, key, 3).nodes.includes(id)) expect(held.has(key)).toBe(true);
    }
  });

  it('learns, once restarted, of a departure that gossip stopped announcing while it was down', () => {
    // One token each: most members gain nothing when n3 leaves, so n3 need not wait for them.
    const nodes = nodeIds(8);
    const members = nodes.map((id) => ({ id }));
    const ringOf1 = (list: typeof members) => buildRing(list, { virtualNodes: 1 });
    const without = members.filter((m) => m.id !== leaving);
    const gaining = new Set(rangeMoves(ringOf1(members), ringOf1(without), 3).flatMap((move) => move.gained));
    const bystander = nodes.find((id) => id !== leaving && !gaining.has(id)) as NodeId;
    expect(bystander).toBeDefined();
    const sim = new Simulation({
      seed: 8,
      nodes,
      createNode: createKvNode,
      config: { n: 3, virtualNodes: 1, antiEntropyIntervalMs: 0, members },
    });
    const events: ClusterEvent[] = [];
    sim.onEvent((event) => {
      if (event.type === 'member.removed') events.push(event);
    });
    // Down from 5 s, before n3's decommission at 10 s, and for longer than T_cleanup after it.
    sim.schedule(5_000, 'power off', () => sim.crash(bystander, 'power'));
    sim.schedule(10_000, 'decommission n3', () => sim.control(leaving, { decommission: true }));
    sim.runUntil(60_000);
    expect(events.some((e) => e.type === 'member.removed' && e.member === leaving)).toBe(true);
    sim.restart(bystander);
    expect(idsOf(ringOf(sim, bystander))).toContain(leaving); // what it knew when it went down
    sim.runFor(5_000);
    const settled = ringOf(sim, nodes.find((id) => id !== bystander && id !== leaving) as NodeId);
    expect(idsOf(settled)).not.toContain(leaving);
    expect(fingerprint(ringOf(sim, bystander))).toBe(fingerprint(settled));
  });

  it('catches up with a join and a departure it missed, the join first, and under strict quorums serves only then', () => {
    const { sim, bystander, events } = missedJoinAndDeparture('strict');
    const restartedAt = sim.now;
    expect(idsOf(ringOf(sim, bystander))).toEqual(nodeIds(8)); // what it knew when it went down
    // Its peers' answers are lost for 2.5 s: it asks again every second, and serves nothing meanwhile.
    const peers = sim.nodeIds.filter((id) => id !== bystander);
    for (const peer of peers) sim.network.cut(peer, bystander);
    sim.schedule(restartedAt + 2_500, 'heal', () => sim.network.heal());
    const replies: KvReply[] = [];
    const get = (id: string) => () =>
      sim.request(bystander, { type: 'get', requestId: id, key: 'k1' } as KvRequest, (r) => {
        replies.push(r as KvReply);
      });
    get('at-restart')();
    sim.schedule(restartedAt + 2_000, 'get while cut', get('while-cut'));
    sim.schedule(restartedAt + 5_000, 'get once caught up', get('caught-up'));
    sim.runFor(6_000);
    const refused = {
      ok: false,
      error: { code: 'KV_NOT_SERVING', message: expect.stringContaining('current ring') },
    };
    expect(replies.find((r) => r.requestId === 'at-restart')).toMatchObject(refused);
    expect(replies.find((r) => r.requestId === 'while-cut')).toMatchObject(refused);
    expect(replies.find((r) => r.requestId === 'caught-up')).toMatchObject({ ok: true });
    const changes = events.filter(
      (e) => e.type === 'ring.changed' && e.node === bystander && e.at >= restartedAt,
    );
    expect(changes.map((e) => (e.type === 'ring.changed' ? [e.added, e.removed] : []))).toEqual([
      [['n9'], []],
      [[], [leaving]],
    ]);
    expect(changes[0]?.at).toBeGreaterThan(restartedAt + 2_500);
    expect(fingerprint(ringOf(sim, bystander))).toBe(fingerprint(ringOf(sim, 'n1' as NodeId)));
  });

  it('serves again, under strict quorums, after the whole cluster restarted together, one node still down', () => {
    const sim = strictClusterPoweredOff(11);
    for (const id of nodeIds(4)) sim.restart(id); // n5 stays down
    const replies: KvReply[] = [];
    const put = (at: number) =>
      sim.schedule(at, 'put', () =>
        sim.request(
          'n1' as NodeId,
          { type: 'put', requestId: `p${at}`, key: 'k1', value: new Uint8Array([1]), w: 2 } as KvRequest,
          (r) => {
            replies.push(r as KvReply);
          },
        ),
      );
    put(sim.now);
    put(sim.now + 5_000);
    sim.runFor(8_000);
    // Every answer n1 got came from a restart of its own: it waited, then took most of them.
    expect(replies[0]).toMatchObject({ ok: false, error: { code: 'KV_NOT_SERVING' } });
    expect(replies[1]).toMatchObject({ ok: true });
  });

  it('serves again on the majority side when a partition follows a whole-cluster restart at once', () => {
    const sim = strictClusterPoweredOff(12);
    const nodes = nodeIds(5);
    for (const id of nodes) sim.restart(id);
    // Before any ring-state answer arrives, n4 and n5 are cut off (the lab E2E's partition).
    sim.network.partition(nodes, [nodes.slice(0, 3), nodes.slice(3)]);
    let reply: KvReply | undefined;
    sim.schedule(sim.now + 5_000, 'get', () =>
      sim.request('n1' as NodeId, { type: 'get', requestId: 'g', key: 'k1', r: 1 } as KvRequest, (r) => {
        reply = r as KvReply;
      }),
    );
    sim.runFor(6_000);
    expect(
      (sim.node('n1' as NodeId) as KvNode).rebalance.serving.notServing('k1', 'read')?.message ?? null,
    ).not.toMatch(/current ring/);
    expect(reply).toBeDefined();
    expect(reply).not.toMatchObject({ error: { message: expect.stringContaining('current ring') } });
  });

  it('control: under sloppy quorums the restarted node serves at once, as before', () => {
    const { sim, bystander } = missedJoinAndDeparture('sloppy');
    let reply: KvReply | undefined;
    sim.request(bystander, { type: 'get', requestId: 'r', key: 'k1' } as KvRequest, (r) => {
      reply = r as KvReply;
    });
    sim.runFor(3_000);
    expect(reply).toMatchObject({ ok: true });
  });

  it('cleans up after a restart during the grace period, and loses nothing', () => {
    const { sim, events, acked } = grownAndShrunk(6);
    expect(acked.size).toBe(keys.length);
    // At 30 s the old owners have not swept yet (the joiner showed up at about 3 s, plus 30 s).
    expect(events.some((e) => e.type === 'range.cleaned')).toBe(false);
    const survivors = ['n1', 'n2', 'n4'] as NodeId[];
    for (const id of survivors) powerCycle(sim, id);
    const restartedAt = sim.now;
    sim.runFor(rangeForwardGraceMs + 15_000);
    const cleaned = events.filter((e) => e.type === 'range.cleaned' && e.at >= restartedAt);
    expect(
      cleaned.reduce((sum, e) => sum + (e.type === 'range.cleaned' ? e.keysRemoved : 0), 0),
    ).toBeGreaterThan(0);
    const ring = ringOf(sim, 'n1' as NodeId);
    for (const id of [...survivors, joiner]) {
      const held = new Set([...(sim.node(id) as KvNode).store.entries()].map(([key]) => key));
      for (const key of keys) expect(held.has(key)).toBe(preferenceList(ring, key, 3).nodes.includes(id));
    }
  });

  it('control: without the saved ring a restart falls back to the boot configuration', () => {
    const { sim, disks } = grownAndShrunk(4);
    sim.crash('n1' as NodeId, 'power');
    disks.get('n1' as NodeId)?.delete(ringFileName);
    sim.restart('n1' as NodeId);
    expect(idsOf(ringOf(sim, 'n1' as NodeId))).toEqual(['n1', 'n2', 'n3', 'n4']);
  });

  it('reports a damaged saved ring and falls back to the boot configuration', () => {
    const { sim, disks, events } = grownAndShrunk(4);
    sim.crash('n2' as NodeId, 'power');
    disks.get('n2' as NodeId)?.flipBit(ringFileName, 12, 1);
    sim.restart('n2' as NodeId);
    expect(idsOf(ringOf(sim, 'n2' as NodeId))).toEqual(['n1', 'n2', 'n3', 'n4']);
    expect(events.at(-1)).toMatchObject({ type: 'ring.restored', node: 'n2', from: 'config' });
    const restored = events.filter((e) => e.type === 'ring.restored');
    expect(restored.at(-1)).toMatchObject({ problem: expect.stringMatching(/fails its checksum/) });
  });
});
